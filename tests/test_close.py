"""Month-end close: every contract's month settled in one command, one contract's bad facts
never stopping the others."""
import json
import shutil

from conftest import EXAMPLES, run_cli


def _facts_root(tmp_path):
    root = tmp_path / "facts"
    shutil.copytree(EXAMPLES, root)
    return root


def test_close_settles_each_contract_month_ending_in_the_month_and_its_cycle(tmp_path, capsys):
    root, out = _facts_root(tmp_path), tmp_path / "out"
    code, stdout, _ = run_cli(capsys, "close", "--month", "2026-01", "--facts-root", str(root),
                              "--out", str(out), "--workers", "2")
    written = sorted(path.relative_to(out).as_posix() for path in out.rglob("*.*"))
    assert "gaomidian-2025/period-03.json" in written and "gaomidian-2025/period-03.pdf" in written
    assert "gaomidian-2025/cycle-1.json" in written          # 高米店 3.2: period 3 ends cycle 1
    cycle = json.loads((out / "gaomidian-2025" / "cycle-1.json").read_text("utf-8"))
    assert cycle["cycle"]["periods"] == [1, 2, 3]
    assert "第 1 支付周期（2025-10-28 至 2026-01-27，含第 1、2、3 期）" in stdout
    assert "本月无结算期（合同期 2023-05-22 至 2024-05-21）" in stdout   # 规自委 ended in 2024
    assert code == (2 if "失败" in stdout else 0)


def test_one_contracts_bad_facts_do_not_stop_the_others(tmp_path, capsys):
    root, out = _facts_root(tmp_path), tmp_path / "out"
    broken = root / "jiuxianqiao-2025" / "period-03.yaml"
    broken.write_text(broken.read_text("utf-8") + "colour: red\n", "utf-8")
    code, stdout, _ = run_cli(capsys, "close", "--month", "2025-07", "--facts-root", str(root),
                              "--out", str(out))
    assert code == 2
    assert "✗ jiuxianqiao-2025：" in stdout and "period-03.yaml" in stdout and "colour" in stdout
    assert not (out / "jiuxianqiao-2025").exists()
    assert "chengbei-2025         第 2 期（2025-06-30 至 2025-07-30）" in stdout
    assert (out / "chengbei-2025" / "period-02.pdf").exists()
    assert "已结算 1 张结算单；失败 1 个合同" in stdout


def test_a_month_not_written_yyyy_mm_is_refused(tmp_path, capsys):
    code, _, err = run_cli(capsys, "close", "--month", "2025-13", "--facts-root", str(EXAMPLES),
                           "--out", str(tmp_path))
    assert code == 2
    assert "'2025-13' 不是月份" in err and "YYYY-MM" in err
    assert not list(tmp_path.iterdir())


def test_a_month_outside_every_term_closes_nothing(tmp_path, capsys):
    code, out, _ = run_cli(capsys, "close", "--month", "9999-12", "--facts-root", str(EXAMPLES),
                           "--out", str(tmp_path))
    assert code == 0
    assert out.count("本月无结算期") == len(list(EXAMPLES.iterdir()))  # every bundled contract
    assert not list(tmp_path.iterdir())
