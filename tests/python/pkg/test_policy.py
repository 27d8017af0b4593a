"""tests/python/pkg/test_policy.py - ExecutionPolicy and load_policy (SEED-SPEC 1.4)."""
import json

import pytest

from sandbox import ExecutionPolicy, PolicyValidationError, create_sandbox, load_policy


def test_defaults_match_the_original():
    p = ExecutionPolicy()
    assert (p.fuel_budget, p.memory_bytes, p.stdout_max_bytes, p.stderr_max_bytes) == (
        5_000_000_000, 128_000_000, 2_000_000, 1_000_000)
    assert p.mount_host_dir == "workspace" and p.guest_mount_path == "/app"
    assert p.mount_data_dir is None and p.guest_data_path is None
    assert p.argv == ["python", "-I", "/app/user_code.py", "-X", "utf8"]
    assert p.env == {"PYTHONUTF8": "1", "LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8", "PYTHONHASHSEED": "0"}
    assert p.timeout_seconds is None and p.preserve_logs is False and p.additional_readonly_mounts == []


@pytest.mark.parametrize("field,value", [
    ("fuel_budget", 0), ("fuel_budget", -5), ("memory_bytes", 0), ("stdout_max_bytes", -1),
    ("stderr_max_bytes", 0), ("fuel_budget", "lots"), ("timeout_seconds", -1.0), ("env", {"A": 1}),
    ("argv", "python"), ("preserve_logs", "yes"), ("additional_readonly_mounts", ["/x"]),
])
def test_invalid_values_name_the_field(field, value):
    with pytest.raises(PolicyValidationError, match=f"^Invalid execution policy: .*{field}"):
        ExecutionPolicy(**{field: value})


def test_policy_validation_error_is_a_value_error():
    assert issubclass(PolicyValidationError, ValueError)


def test_timeout_zero_is_allowed_by_the_model():
    assert ExecutionPolicy(timeout_seconds=0).timeout_seconds == 0


def test_mount_data_dir_defaults_guest_data_path():
    assert ExecutionPolicy(mount_data_dir="/tmp").guest_data_path == "/data"


def test_json_round_trip():
    p = ExecutionPolicy(fuel_budget=7, env={"K": "é ☕ 日本"}, additional_readonly_mounts=[("/h", "/external")],
                        timeout_seconds=2.5)
    text = p.model_dump_json()
    assert json.loads(text)["env"] == {"K": "é ☕ 日本"}
    assert ExecutionPolicy.model_validate_json(text) == p


def test_unknown_keys_are_ignored():
    assert ExecutionPolicy.model_validate_json('{"fuel_budget": 9, "nope": 1}').fuel_budget == 9


def test_bad_json_raises_policy_error():
    with pytest.raises(PolicyValidationError):
        ExecutionPolicy.model_validate_json("{not json")


def test_limits_the_library_refuses_raise_at_create(root):
    with pytest.raises(PolicyValidationError, match="memory"):
        create_sandbox(policy=ExecutionPolicy(memory_bytes=1000), workspace_root=root)


def test_unsupported_guest_mount_path_raises(root):
    with pytest.raises(PolicyValidationError, match="guest_mount_path"):
        create_sandbox(policy=ExecutionPolicy(guest_mount_path="/work"), workspace_root=root)


def test_load_policy_missing_file_gives_default_policy(tmp_path):
    p = load_policy(tmp_path / "none.toml")
    assert p.fuel_budget == 2_000_000_000
    assert p.env["DEMO_GREETING"] == "Hej fra WASM 👋" and p.env["PYTHONUTF8"] == "1"


def test_load_policy_merges_toml(tmp_path):
    f = tmp_path / "policy.toml"
    f.write_text('fuel_budget = 123\n[env]\nEXTRA = "é ☕"\nPYTHONHASHSEED = "7"\n', encoding="utf-8")
    p = load_policy(f)
    assert p.fuel_budget == 123 and p.memory_bytes == 128_000_000
    assert p.env["EXTRA"] == "é ☕" and p.env["PYTHONHASHSEED"] == "7" and p.env["LC_ALL"] == "C.UTF-8"


def test_load_policy_errors(tmp_path):
    import tomllib
    bad = tmp_path / "bad.toml"
    bad.write_text("fuel_budget = = 1", encoding="utf-8")
    with pytest.raises(tomllib.TOMLDecodeError):
        load_policy(bad)
    neg = tmp_path / "neg.toml"
    neg.write_text("fuel_budget = -1", encoding="utf-8")
    with pytest.raises(PolicyValidationError, match="fuel_budget"):
        load_policy(neg)
