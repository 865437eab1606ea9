"""The lab's YAML (lab/yamlfile.py): YAML 1.2 core scalars, no anchors, aliases, merge keys
or tags, bounded work, and every failure to read or parse named with its file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from lab.config import load_config
from lab.errors import LabDefinitionError, Problem, display_path
from lab.experiments import discover_experiments
from lab.yamlfile import MAX_DEPTH, MAX_FILE_BYTES, duplicate_keys, load_mapping
from tests.helpers import FIXTURE_CONFIG

CAP = 10


def _load(tmp_path: Path, text: str | bytes) -> tuple[object, list[str]]:
    path = tmp_path / "cluster.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    data, problems = load_mapping(path)
    assert all(p.file == display_path(path) for p in problems)
    return data, [f"{p.field}: {p.message}" if p.field else p.message for p in problems]


def _config(tmp_path: Path, old: str, new: str) -> list[Problem]:
    text = FIXTURE_CONFIG.read_text()
    assert old in text
    path = tmp_path / "lab.yaml"
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(LabDefinitionError) as caught:
        load_config(path)
    return list(caught.value.problems)


# YAML 1.2 core scalars: the user's text survives where text is expected.


def test_yaml_1_1_words_and_forms_stay_text(tmp_path: Path) -> None:
    data, problems = _load(
        tmp_path,
        "a: no\nb: yes\nc: on\nd: off\ne: y\nf: 1:20\ng: 2026-01-31\nh: 1_000\ni: .inf\nj: .nan\n"
        "k: +0x1F\nl: 0b101\n",
    )
    assert problems == []
    assert data == {
        "a": "no",
        "b": "yes",
        "c": "on",
        "d": "off",
        "e": "y",
        "f": "1:20",
        "g": "2026-01-31",
        "h": "1_000",
        "i": ".inf",
        "j": ".nan",
        "k": "+0x1F",
        "l": "0b101",
    }


def test_yaml_1_2_core_values_keep_their_types(tmp_path: Path) -> None:
    data, problems = _load(
        tmp_path, "a: true\nb: False\nc: ~\nd: null\ne: 010\nf: 0o17\ng: 0x1f\nh: -2.5e3\ni:\n"
    )
    assert problems == []
    assert data == {
        "a": True,
        "b": False,
        "c": None,
        "d": None,
        "e": 10,
        "f": 15,
        "g": 31,
        "h": -2500.0,
        "i": None,
    }


def test_a_tag_named_no_reaches_the_config_as_written(tmp_path: Path) -> None:
    path = tmp_path / "lab.yaml"
    path.write_text(
        FIXTURE_CONFIG.read_text().replace("  environment: lab\n", "  environment: no\n")
    )
    assert load_config(path).tags["environment"] == "no"


def test_yes_where_a_switch_is_expected_is_refused_naming_the_field(tmp_path: Path) -> None:
    [problem] = _config(tmp_path, "experiment_autodeploy: true", "experiment_autodeploy: yes")
    assert problem.field == "spacelift.experiment_autodeploy"
    assert "valid boolean" in problem.message
    assert "'yes'" in problem.message
    assert "write true or false" in problem.message


def test_a_wrong_switch_that_is_not_text_gets_no_yaml_hint(tmp_path: Path) -> None:
    [problem] = _config(tmp_path, "experiment_autodeploy: true", "experiment_autodeploy: 7")
    assert problem.field == "spacelift.experiment_autodeploy"
    assert "write true or false" not in problem.message


@pytest.mark.parametrize("value", [".inf", ".nan", "-.inf"])
def test_infinity_where_a_number_is_expected_is_refused(tmp_path: Path, value: str) -> None:
    [problem] = _config(tmp_path, "max_nodes_per_cluster: 10", f"max_nodes_per_cluster: {value}")
    assert problem.field == "limits.max_nodes_per_cluster"
    assert f"'{value}'" in problem.message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1e999\n", "line 1, column 4: holds the number 1e999, too large to use"),
        ("a: " + "7" * 5000 + "\n", "line 1, column 4: holds a number too long to read"),
    ],
    ids=["float-overflow", "int-too-long"],
)
def test_numbers_that_cannot_be_represented_are_refused(
    tmp_path: Path, text: str, message: str
) -> None:
    _, [problem] = _load(tmp_path, text)
    assert problem.startswith(message)


# No anchors, aliases, merge keys or tags.


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)
)
"""A "billion laughs": 9 levels of 9 references, 9^9 leaves from 306 bytes."""


def test_an_alias_bomb_is_refused_at_its_first_anchor(tmp_path: Path) -> None:
    data, problems = _load(tmp_path, BOMB)
    assert data is None
    assert problems == [
        "line 1, column 4: sets the anchor &a; the lab's files take plain values: write the "
        "value out where it is needed"
    ]


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("size: small\nother: *a\n", "uses the alias *a"),
        ("a: !!binary aGVsbG8=\n", "uses the tag !!binary"),
        ("a: !!python/name:os.system x\n", "uses the tag !!python/name:os.system"),
        ("a: !!str 3\n", "uses the tag !!str"),
    ],
)
def test_aliases_and_tags_are_refused_with_their_line(tmp_path: Path, text: str, fact: str) -> None:
    _, [problem] = _load(tmp_path, text)
    assert problem.startswith(f"line {text.count(chr(10), 0, text.index(fact[-2:])) + 1}, ")
    assert fact in problem


def test_a_merge_key_is_refused_as_the_second_value_it_smuggles(tmp_path: Path) -> None:
    data, problems = _load(tmp_path, "size: small\n<<: {size: large}\n")
    assert data is None
    assert problems == [
        "<<: is a merge key (line 2); it can give a key a second value without a word, so the "
        "lab's files do not take it: write the keys out"
    ]


def test_quoted_look_alikes_are_plain_text(tmp_path: Path) -> None:
    data, problems = _load(tmp_path, "'<<': x\nb: '&a'\nc: '*a'\nd: '!!str'\n")
    assert problems == []
    assert data == {"<<": "x", "b": "&a", "c": "*a", "d": "!!str"}


def test_a_manifest_alias_bomb_costs_its_size_in_the_duplicate_walk() -> None:
    """Manifests keep aliases (Helm values use them): the walk visits each shared node once,
    and a duplicate under the shared node is reported once, at its first path."""
    node = yaml.compose(BOMB.replace("[x, x,", "[{k: 1, k: 2}, x,", 1), Loader=yaml.SafeLoader)
    assert duplicate_keys(node) == [
        (
            "a[0].k",
            "is given twice (lines 1 and 1); YAML keeps only the last one, so remove "
            "the one you do not mean",
        )
    ]


# Bounded work, and every read or parse failure named with its file.


@pytest.mark.parametrize("opening", ["[", "{a: "])
def test_deep_nesting_is_refused_not_a_recursion_error(tmp_path: Path, opening: str) -> None:
    closing = "]" if opening == "[" else "}"
    _, [problem] = _load(tmp_path, "a: " + opening * 5000 + closing * 5000 + "\n")
    assert f"nests lists and mappings deeper than {MAX_DEPTH} levels" in problem


def test_nesting_up_to_the_limit_is_read(tmp_path: Path) -> None:
    depth = MAX_DEPTH - 1  # the document's mapping is the first level
    data, problems = _load(tmp_path, "a: " + "[" * depth + "]" * depth + "\n")
    assert problems == []
    assert data is not None


def test_a_file_not_in_utf_8_is_named_with_the_byte_and_line(tmp_path: Path) -> None:
    _, problems = _load(tmp_path, "# Saved as Latin-1\nname: café\n".encode("latin-1"))
    assert problems == ["is not UTF-8 text (byte 0xe9 at line 2); save it as UTF-8"]


def test_a_utf_8_byte_order_mark_is_read(tmp_path: Path) -> None:
    data, problems = _load(tmp_path, "\ufeffsize: small\n".encode())
    assert (data, problems) == ({"size": "small"}, [])


def test_control_characters_are_a_yaml_error_naming_the_file(tmp_path: Path) -> None:
    _, [problem] = _load(tmp_path, "size: sm\x00all\n")
    assert problem.startswith("is not valid YAML")


@pytest.mark.parametrize("escape", ["\\UA0010000", "\\U00110000"])
def test_an_escape_beyond_unicode_is_a_yaml_error_naming_the_file(
    tmp_path: Path, escape: str
) -> None:
    """Found by the fuzzer: PyYAML's scanner raised OverflowError or ValueError."""
    _, [problem] = _load(tmp_path, f'name: "{escape}"\n')
    assert problem.startswith("is not valid YAML: ")


def test_an_oversized_file_is_refused_unread(tmp_path: Path) -> None:
    _, problems = _load(tmp_path, "# " + "x" * MAX_FILE_BYTES + "\n")
    assert problems == [
        f"is {MAX_FILE_BYTES + 3} bytes; the lab reads files up to {MAX_FILE_BYTES}"
    ]


# Every file accounted for: a cluster.yaml that cannot be read is an error, not a skip.


def _experiments(tmp_path: Path) -> Path:
    root = tmp_path / "experiments"
    (root / "exp" / "good").mkdir(parents=True)
    (root / "exp" / "good" / "cluster.yaml").write_text("size: small\nprovider: azure\n")
    return root


def _problems(root: Path) -> list[Problem]:
    with pytest.raises(LabDefinitionError) as caught:
        discover_experiments(root, max_nodes_per_cluster=CAP)
    return list(caught.value.problems)


def _unreadable_cluster(root: Path, kind: str) -> Path:
    path = root / "exp" / "bad" / "cluster.yaml"
    path.parent.mkdir()
    if kind == "directory":
        path.mkdir()
    elif kind == "loop":
        path.symlink_to(path)
    elif kind == "dangling":
        path.symlink_to(root / "exp" / "bad" / "gone.yaml")
    elif kind == "fifo":
        os.mkfifo(path)
    return path


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("directory", "is a directory; it must be a YAML file"),
        (
            "loop",
            "is a symbolic link that loops (it leads back to itself); replace it with the file",
        ),
        ("dangling", "is a symbolic link to {target}, which does not exist"),
        ("fifo", "is not a regular file; it must be a YAML file"),
    ],
)
def test_a_cluster_yaml_that_cannot_be_read_is_an_error_naming_it(
    tmp_path: Path, kind: str, message: str
) -> None:
    root = _experiments(tmp_path)
    path = _unreadable_cluster(root, kind)
    target = path.parent / "gone.yaml"
    assert _problems(root) == [Problem.at(path, "", message.format(target=target))]


def test_a_readable_cluster_beside_them_is_loaded(tmp_path: Path) -> None:
    root = _experiments(tmp_path)
    [experiment] = discover_experiments(root, max_nodes_per_cluster=CAP)
    assert [c.name for c in experiment.clusters] == ["good"]


@pytest.mark.parametrize("where", ["experiment", "cluster"])
def test_a_dangling_folder_link_is_an_error_naming_it(tmp_path: Path, where: str) -> None:
    root = _experiments(tmp_path)
    link = root / "gone" if where == "experiment" else root / "exp" / "gone"
    link.symlink_to(tmp_path / "nowhere", target_is_directory=True)
    [problem] = _problems(root)
    assert problem == Problem.at(
        link,
        "",
        "is a symbolic link that leads nowhere (No such file or directory); fix or remove it",
    )


@pytest.mark.parametrize("name", ["_template", ".hidden", "_draft"])
def test_skipped_folders_stay_skipped_whatever_they_hold(tmp_path: Path, name: str) -> None:
    root = _experiments(tmp_path)
    (root / name / "c").mkdir(parents=True)
    (root / name / "c" / "cluster.yaml").mkdir()
    (root / "exp" / name).symlink_to(tmp_path / "nowhere")
    [experiment] = discover_experiments(root, max_nodes_per_cluster=CAP)
    assert experiment.name == "exp"
