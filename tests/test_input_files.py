"""Which files are read, how numbers in them are read, and how statements are written: what an
operator running this for a whole district meets when folders are not tidy."""
import json
import multiprocessing
import os
import shutil

import pytest
from conftest import CONTRACTS, EXAMPLES, run_cli

from compliance.model import sourceyaml
from compliance.render import output, pdf

GAOMIDIAN = str(CONTRACTS / "gaomidian-2025.yaml")
HEADER = "contract: gaomidian-2025\nperiod: 2\n"


def _facts(tmp_path, body: str, name: str = "period-02.yaml"):
    folder = tmp_path / "facts"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(HEADER + body, "utf-8")
    return folder


def _settle(capsys, folder, out, *extra):
    return run_cli(capsys, "settle", GAOMIDIAN, str(folder), "--period", "2", "--out", str(out),
                   "--json", *extra)


def test_a_count_written_with_a_leading_zero_is_decimal(tmp_path, capsys):
    folder = _facts(tmp_path, "events:\n  - {type: dispatch_timeout, date: 2025-12-05, count: 010}\n")
    code, out, _ = _settle(capsys, folder, tmp_path / "out")
    assert code == 0
    line = next(line for line in json.loads(out)["deductions"] if line["type"] == "dispatch_timeout")
    assert line["quantity"] == "10"                    # YAML 1.1 would have read 8


def test_a_month_saved_as_yml_is_read_and_editor_dotfiles_are_ignored(tmp_path, capsys):
    folder = _facts(tmp_path, "events:\n  - {type: zero_point_order, date: 2025-12-03, ref: Z1}\n",
                    name="period-02.yml")
    (folder / "._period-02.yaml").write_bytes(b"\x00\x05\x16\x07Mac OS X resource fork")
    (folder / ".period-02.yaml.swp").write_bytes(b"\xff\xfe")
    code, out, err = _settle(capsys, folder, tmp_path / "out")
    assert code == 0, err
    assert json.loads(out)["deductions"][0]["refs"] == ["Z1"]


def test_a_symlink_out_of_the_folder_is_refused_without_reading_it(tmp_path, capsys):
    folder = _facts(tmp_path, "events: []\n")
    secret = tmp_path / "secret.yaml"
    secret.write_text("password: hunter2-do-not-print\n", "utf-8")
    (folder / "period-03.yaml").symlink_to(secret)
    code, _, err = _settle(capsys, folder, tmp_path / "out")
    assert code == 2
    assert "period-03.yaml" in err and "符号链接" in err
    assert "hunter2" not in err
    assert not (tmp_path / "out").exists()


def test_a_symlink_inside_the_folder_is_read(tmp_path, capsys):
    folder = _facts(tmp_path, "events: []\n", name="month-two.txt")
    (folder / "period-02.yaml").symlink_to(folder / "month-two.txt")
    code, _, err = _settle(capsys, folder, tmp_path / "out")
    assert code == 0, err


def test_a_file_above_the_size_limit_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sourceyaml, "MAX_FILE_BYTES", 50_000)
    folder = _facts(tmp_path, "events:\n" + "".join(
        f"  - {{type: zero_point_order, date: 2025-12-03, ref: R{n}}}\n" for n in range(1000)))
    code, _, err = _settle(capsys, folder, tmp_path / "out")
    assert code == 2
    assert "period-02.yaml" in err and "文件过大" in err
    assert "Traceback" not in err


def test_billion_laughs_are_refused(tmp_path, capsys):
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"] + [
        f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 9)]
    folder = _facts(tmp_path, "\n".join(levels) + "\n")
    code, _, err = _settle(capsys, folder, tmp_path / "out")
    assert code == 2
    assert "别名引用过多" in err


def test_control_characters_in_refs_reach_the_terminal_escaped(tmp_path, capsys):
    folder = _facts(tmp_path, 'events:\n  - {type: zero_point_order, date: 2025-12-03, '
                              'ref: "Z\\e[2J\\u202eevil"}\n')
    code, out, _ = run_cli(capsys, "explain", GAOMIDIAN, str(folder), "--period", "2")
    assert code == 0
    assert "\x1b" not in out and "\u202e" not in out
    assert "Z\\x1b[2J\\u202eevil" in out
    code, out, _ = _settle(capsys, folder, tmp_path / "out")
    assert "\x1b" not in out
    assert json.loads(out)["deductions"][0]["refs"] == ["Z\x1b[2J\u202eevil"]


# ---- statements written as a set ---------------------------------------------------------

def test_a_failed_pdf_keeps_the_previous_json_and_pdf(tmp_path, capsys, monkeypatch):
    facts = tmp_path / "facts"
    shutil.copytree(EXAMPLES / "gaomidian-2025", facts)
    out = tmp_path / "out"
    assert _settle(capsys, facts, out)[0] == 0
    folder = out / "gaomidian-2025"
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    (facts / "period-02.yaml").write_text(
        (facts / "period-02.yaml").read_text("utf-8").replace("待提升", "良好"), "utf-8")

    def broken(statement, contract):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(pdf, "render", broken)
    with pytest.raises(OSError):
        _settle(capsys, facts, out)
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before


def test_a_run_killed_between_renames_is_finished_by_the_next_write(tmp_path):
    folder = tmp_path / "out"
    output.write_all({folder / "a.json": b"old json", folder / "a.pdf": b"old pdf"})
    staged = output._stage(folder, {folder / "a.json": b"new json", folder / "a.pdf": b"new pdf"})
    (folder / output.JOURNAL).write_text(json.dumps(staged), "utf-8")
    os.replace(folder / staged[0][0], folder / "a.json")      # killed after the first rename
    assert (folder / "a.pdf").read_bytes() == b"old pdf"
    output.write_all({folder / "b.json": b"other"})
    assert (folder / "a.json").read_bytes() == b"new json"
    assert (folder / "a.pdf").read_bytes() == b"new pdf"
    assert sorted(path.name for path in folder.iterdir()) == ["a.json", "a.pdf", "b.json"]


def test_a_write_that_fails_leaves_no_temporary_file(tmp_path):
    folder = tmp_path / "out"
    output.write_all({folder / "a.json": b"old"})
    with pytest.raises(TypeError):
        output.write_all({folder / "a.json": b"new", folder / "a.pdf": None})
    assert sorted(path.name for path in folder.iterdir()) == ["a.json"]
    assert (folder / "a.json").read_bytes() == b"old"


def _write_sets(folder, tag: str, rounds: int) -> None:
    for n in range(rounds):
        output.write_all({folder / "s.json": f"{tag}{n}".encode(), folder / "s.pdf": f"{tag}{n}".encode()})


def test_concurrent_runs_never_mix_their_files(tmp_path):
    folder = tmp_path / "out"
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_write_sets, args=(folder, tag, 60)) for tag in "AB"]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert [worker.exitcode for worker in workers] == [0, 0]
    assert (folder / "s.json").read_bytes() == (folder / "s.pdf").read_bytes()
    assert sorted(path.name for path in folder.iterdir()) == ["s.json", "s.pdf"]


@pytest.mark.parametrize("edit, expected", [
    (lambda s: s.update(net="abc"), "net: 格式不对：'abc'"),
    (lambda s: s.pop("deductions"), "deductions: 缺少必填字段"),
    (lambda s: s["deductions"][0].update(amount=None), "deductions[0].amount"),
    (lambda s: s["deductions"][0].update(amount="1e999999"), "deductions[0].amount: 格式不对"),
    (lambda s: s.update(deductions=5), "deductions: 须是列表"),
    (lambda s: s["flags"].append({"x": 1}), "flags[1].clause: 缺少必填字段"),
])
def test_diff_of_a_hand_edited_statement_names_what_is_wrong(tmp_path, capsys, edit, expected):
    out = tmp_path / "out"
    assert _settle(capsys, EXAMPLES / "gaomidian-2025", out)[0] == 0
    issued = out / "gaomidian-2025" / "period-02.json"
    statement = json.loads(issued.read_text("utf-8"))
    edit(statement)
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(statement, ensure_ascii=False), "utf-8")
    code, _, err = run_cli(capsys, "diff", str(issued), str(edited))
    assert code == 2
    assert f"edited.json: {expected}" in err
    assert "Traceback" not in err


def test_diff_of_a_deeply_nested_file_is_refused(tmp_path, capsys):
    nested = tmp_path / "nested.json"
    nested.write_text("[" * 100_000 + "]" * 100_000, "utf-8")
    code, _, err = run_cli(capsys, "diff", str(nested), str(nested))
    assert code == 2 and "嵌套过深" in err


def test_every_bad_facts_file_is_reported_at_once(tmp_path, capsys):
    folder = _facts(tmp_path, "rating: 很好\n")
    (folder / "period-03.yaml").write_text(
        "contract: gaomidian-2025\nperiod: 3\nevents:\n  - {type: zero_pint, date: 2026-01-05}\n", "utf-8")
    code, _, err = _settle(capsys, folder, tmp_path / "out")
    assert code == 2
    assert "period-02.yaml:3: rating: 没有这个评价等级" in err
    assert "另：" in err and "period-03.yaml:4: events[0].type: 没有这种事件类型：'zero_pint'" in err
    assert not (tmp_path / "out").exists()
