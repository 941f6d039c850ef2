"""The one direction of imports (docs/ARCHITECTURE.md, "Layers"): the contracts in
pyproject.toml, read by import-linter from the code's imports, function-level ones included."""

from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_imports_run_one_way_and_no_module_imports_back_in_a_circle(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0


def test_no_model_list_is_kept_by_name_outside_the_models():
    """Public-ness and the relations a record's name follows are declared on the models
    (`public_data`, `str_relations`), not in string lists the serving or history code keeps."""
    import django.apps

    from hotpath.cache import public_models

    public = {m._meta.label for m in public_models()}
    assert {"laws.Law", "laws.Finding", "treaties.Participation", "treaties.State"} <= public
    assert "laws.ImportBatch" not in public  # uploads never reach the public
    for model in django.apps.apps.get_models():
        for relation in getattr(model, "str_relations", ()):
            # every declared relation is one select_related can follow
            str(model._base_manager.select_related(relation).query)
