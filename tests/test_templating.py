"""Compiled templates kept between processes: loaded instead of compiled, and never in the way."""

import os
import tempfile

import jinja2

from analysis import templating
from analysis.templating import _QuietCache

TEMPLATE = "{% macro greet(name) %}Hello {{ name }}{% endmacro %}{{ greet(who) }}"


def environment(cache) -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.DictLoader({"t.j2": TEMPLATE}), bytecode_cache=cache)


def test_a_template_compiled_once_is_loaded_by_the_next_process(tmp_path, monkeypatch):
    cache = _QuietCache(str(tmp_path))
    assert environment(cache).get_template("t.j2").render(who="Ada") == "Hello Ada"
    assert len(list(tmp_path.iterdir())) == 1
    compiled = []
    monkeypatch.setattr(jinja2.Environment, "_compile", lambda *args: compiled.append(args))
    assert environment(cache).get_template("t.j2").render(who="Grace") == "Hello Grace"  # as in another process
    assert compiled == []


def test_a_template_that_cannot_be_kept_is_still_rendered(tmp_path):
    cache = _QuietCache(str(tmp_path / "gone"))  # every write there fails, as on a full disk
    assert environment(cache).get_template("t.j2").render(who="Ada") == "Hello Ada"


def test_no_cache_where_no_private_folder_can_be_made(tmp_path, monkeypatch):
    (tmp_path / "a-file").write_text("")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "a-file"))
    assert templating.bytecode_cache.__wrapped__() is None
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert isinstance(templating.bytecode_cache.__wrapped__(), _QuietCache)
    assert [p.name for p in tmp_path.iterdir() if p.is_dir()] == [f"_jinja2-cache-{os.getuid()}"]
