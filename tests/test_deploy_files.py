"""Checks of the deployment files that need neither Docker nor Terraform.

* docker-compose.yml parses (PyYAML, anchors and merge keys resolved) and validates against
  the Compose Specification's JSON schema. tests/data/compose_spec.json is that schema as
  shipped, unmodified, in PyPI's docker-compose 1.29.2 wheel (compose/config/compose_spec.json,
  Apache-2.0, sha256 0dc04bd3...2b112bac); it predates newer Compose keys (develop, include,
  models), which this stack does not use.
* Structural checks of the stack: one worker per stage on its own queue, exactly one beat,
  Flower behind basic auth, Redis with AOF and noeviction, the MinIO -> api webhook wiring,
  no hard-coded secrets, every ${VAR} documented in .env.example.
* infra/*.tf parse with python-hcl2; the bucket notification, the queue's redrive policy,
  the queue policy and the IAM policies are asserted on.
* If a `terraform` binary is on PATH: `terraform fmt -check`, and `terraform validate` when
  an AWS provider is in a local plugin mirror (DOCPIPE_TF_PLUGIN_MIRROR, default
  /opt/tf-plugins); otherwise those two tests skip.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")
jsonschema = pytest.importorskip("jsonschema")
hcl2 = pytest.importorskip("hcl2")

from config.settings import STAGES  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
DOCKERFILE = ROOT / "Dockerfile"
INFRA = ROOT / "infra"
SCHEMA_FILE = Path(__file__).resolve().parent / "data" / "compose_spec.json"

# ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}; $$ is a literal $.
INTERPOLATION = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")


# --------------------------------------------------------------------------------------
# Compose
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict:
    with COMPOSE_FILE.open() as f:
        return yaml.safe_load(f)


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


@pytest.fixture(scope="module")
def env_example() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        assert sep, f".env.example: not KEY=VALUE: {line!r}"
        values[key.strip()] = value.strip()
    return values


def _command(service: dict) -> list[str]:
    cmd = service.get("command", [])
    return cmd.split() if isinstance(cmd, str) else [str(c) for c in cmd]


def _env(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: "" if v is None else str(v) for k, v in env.items()}


def _interpolate(value, env: dict[str, str]):
    """Compose-style interpolation, enough for this file's forms."""
    if isinstance(value, dict):
        return {k: _interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [_interpolate(v, env) for v in value]
    if not isinstance(value, str):
        return value

    def sub(m: re.Match) -> str:
        name, op, arg = m.group(1), m.group(2), m.group(3)
        current = env.get(name)
        if op in (":-", "-"):
            return current if current not in (None, "") else arg
        if op in (":?", "?") and not current:
            raise AssertionError(f"required variable {name} unset: {arg}")
        return current or ""

    return INTERPOLATION.sub(sub, value).replace("$$", "$")


def _walk_strings(node):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _walk_strings(k)
            yield from _walk_strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk_strings(v)
    elif isinstance(node, str):
        yield node


def _schema_validator():
    schema = json.loads(SCHEMA_FILE.read_text())
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
    cls.check_schema(schema)
    return cls(schema)


def test_compose_validates_against_compose_spec_schema(compose):
    errors = sorted(_schema_validator().iter_errors(compose), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_compose_still_valid_after_interpolation_with_env_example(compose, env_example):
    interpolated = _interpolate(compose, env_example)
    errors = list(_schema_validator().iter_errors(interpolated))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_schema_check_catches_a_broken_file(compose):
    broken = json.loads(json.dumps(compose))
    broken["services"]["api"]["depends_on"]["redis"]["condition"] = "service_ready"
    broken["services"]["api"]["helthcheck"] = {}
    assert len(list(_schema_validator().iter_errors(broken))) >= 2


def test_every_service_has_image_or_build(services):
    for name, svc in services.items():
        assert "image" in svc or "build" in svc, name


def test_docpipe_image_is_built_from_this_repo(services):
    built = {name for name, svc in services.items() if "build" in svc}
    assert {"api", "init", "beat", "flower"} <= built
    assert {f"worker-{s}" for s in STAGES} <= built


def test_one_worker_per_stage_on_its_own_queue(services):
    consumers: dict[str, list[str]] = {}
    for name, svc in services.items():
        cmd = _command(svc)
        if "worker" in cmd and "celery" in cmd:
            assert "-Q" in cmd, f"{name}: a worker without -Q would consume the default queue"
            queues = cmd[cmd.index("-Q") + 1].split(",")
            for q in queues:
                consumers.setdefault(q, []).append(name)
    for stage in STAGES:
        svc = services.get(f"worker-{stage}")
        assert svc is not None, f"no worker-{stage} service"
        cmd = _command(svc)
        assert cmd[cmd.index("-Q") + 1] == stage, f"worker-{stage} must consume only {stage}"
        assert consumers[stage] == [f"worker-{stage}"]
        # Distinct node names, so `celery inspect ping -d <stage>@host` reaches the right one.
        assert cmd[cmd.index("-n") + 1] == f"{stage}@%h"
    assert consumers.get("maintenance") == ["worker-maintenance"]


def test_extract_worker_single_threaded_ocr_with_two_processes(services):
    svc = services["worker-extract"]
    assert _env(svc).get("OMP_THREAD_LIMIT") == "1"
    cmd = _command(svc)
    assert cmd[cmd.index("--concurrency") + 1] == "2"


def test_workers_share_the_anchored_environment(services):
    base = _env(services["worker-clean"])
    for key in ("DOCPIPE_BROKER_URL", "DOCPIPE_STORE_URL", "DOCPIPE_S3_ENDPOINT_URL",
                "DOCPIPE_DB_URL", "DOCPIPE_INDEX_URL"):
        assert key in base, key
    for name in [f"worker-{s}" for s in STAGES] + ["worker-maintenance", "beat", "api", "init"]:
        env = _env(services[name])
        for key, value in base.items():
            assert env.get(key) == value, f"{name}: {key} differs from the shared worker env"
    assert base["DOCPIPE_STORE_URL"].startswith("s3://")  # distributed mode
    assert base["DOCPIPE_BROKER_URL"].startswith("redis://")
    assert base["DOCPIPE_DB_URL"].startswith("postgresql")


def test_exactly_one_beat(services):
    beats = [name for name, svc in services.items()
             if "celery" in _command(svc) and "beat" in _command(svc)]
    assert beats == ["beat"]
    beat = services["beat"]
    # A fixed container_name makes `docker compose up --scale beat=2` fail.
    assert beat.get("container_name")
    assert beat.get("deploy", {}).get("replicas", 1) == 1
    # No worker runs an embedded scheduler (-B / --beat).
    for name, svc in services.items():
        cmd = _command(svc)
        if "worker" in cmd:
            assert "-B" not in cmd and "--beat" not in cmd, name


def test_flower_has_basic_auth_from_env(services):
    flower = services["flower"]
    cmd = _command(flower)
    assert "flower" in cmd
    env = _env(flower)
    via_env = env.get("FLOWER_BASIC_AUTH", "")
    via_flag = [c for c in cmd if c.startswith("--basic-auth")]
    assert via_env or via_flag, "flower without basic auth"
    for value in [via_env, *via_flag]:
        if value:
            assert "${FLOWER_BASIC_AUTH" in value, "basic auth must come from the environment"
    assert "FLOWER_UNAUTHENTICATED_API" not in env


def test_redis_persistent_and_noeviction(services):
    redis = services["redis"]
    cmd = " ".join(_command(redis))
    assert re.search(r"--appendonly\s+yes", cmd)
    assert re.search(r"--maxmemory-policy\s+noeviction", cmd)
    assert "--requirepass" in cmd
    assert any(v.split(":")[-1] == "/data" for v in redis.get("volumes", []))


def test_postgres_has_healthcheck(services):
    hc = services["postgres"]["healthcheck"]
    assert "pg_isready" in " ".join(hc["test"])


def test_depends_on_conditions_are_satisfiable(services):
    for name, svc in services.items():
        deps = svc.get("depends_on") or {}
        if isinstance(deps, list):
            continue
        for dep, spec in deps.items():
            assert dep in services, f"{name} depends on unknown {dep}"
            if spec.get("condition") == "service_healthy":
                assert "healthcheck" in services[dep], f"{name} waits for {dep} healthy"
            if spec.get("condition") == "service_completed_successfully":
                assert services[dep].get("restart", "no") == "no", dep


def test_long_running_docpipe_services_have_healthchecks(services):
    for name in ["api", "flower", "worker-maintenance"] + [f"worker-{s}" for s in STAGES]:
        assert "healthcheck" in services[name], name
    assert "docpipe health" in " ".join(services["api"]["healthcheck"]["test"])
    for stage in STAGES:
        test = " ".join(services[f"worker-{stage}"]["healthcheck"]["test"])
        assert "inspect ping" in test and f"{stage}@$$HOSTNAME" in test


def test_api_serves_the_webhook(services):
    api = services["api"]
    assert _command(api) == ["docpipe", "serve", "--host", "0.0.0.0", "--port", "8000"]
    assert _env(api)["DOCPIPE_WEBHOOK_TOKEN"].startswith("${DOCPIPE_WEBHOOK_TOKEN")


def test_minio_posts_events_to_the_webhook_with_the_shared_token(services):
    minio_env = _env(services["minio"])
    assert minio_env["MINIO_NOTIFY_WEBHOOK_ENABLE_DOCPIPE"] == "on"
    assert minio_env["MINIO_NOTIFY_WEBHOOK_ENDPOINT_DOCPIPE"] == "http://api:8000/events"
    token = minio_env["MINIO_NOTIFY_WEBHOOK_AUTH_TOKEN_DOCPIPE"]
    assert token.startswith("${DOCPIPE_WEBHOOK_TOKEN")
    # MinIO sends a one-word token as "Authorization: Bearer <token>"; a two-word value
    # ("Bearer x") is sent as it is. Pass the bare token, as the api compares it.
    assert not token.lower().startswith("bearer")

    wiring = services["minio-events"]
    assert "minio/mc" in wiring["image"]
    script = " ".join(wiring["command"]) if isinstance(wiring["command"], list) else wiring["command"]
    assert "mc event add" in script and "--prefix inbox/" in script and "--event put" in script
    assert _env(wiring)["TARGET_ARN"] == "arn:minio:sqs::DOCPIPE:webhook"
    assert wiring["depends_on"]["init"]["condition"] == "service_completed_successfully"


def test_init_is_one_shot(services):
    init = services["init"]
    assert _command(init) == ["docpipe", "init"]
    assert init.get("restart") == "no"


def test_no_hard_coded_secrets(services):
    secretish = re.compile(r"PASSWORD|SECRET|TOKEN|BASIC_AUTH|REDISCLI_AUTH", re.I)
    for name, svc in services.items():
        for key, value in _env(svc).items():
            if secretish.search(key) or "@" in value:
                if value.startswith("arn:"):
                    continue
                assert "${" in value, f"{name}: {key} looks like a literal secret"


def test_published_ports_bind_to_localhost(services):
    for name, svc in services.items():
        for port in svc.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name}: {port} is published on all interfaces"


def test_every_referenced_variable_is_in_env_example(env_example):
    text = COMPOSE_FILE.read_text()
    referenced = {m.group(1) for m in INTERPOLATION.finditer(text)}
    assert referenced, "no ${VAR} found: the regex is wrong"
    missing = sorted(referenced - set(env_example))
    assert not missing, f"not in .env.example: {missing}"
    unused = sorted(set(env_example) - referenced)
    assert not unused, f"in .env.example but unused by docker-compose.yml: {unused}"


def test_env_example_holds_placeholders_only(env_example):
    for key, value in env_example.items():
        if re.search(r"PASSWORD|TOKEN|BASIC_AUTH", key):
            assert "change-me" in value, f"{key}: .env.example must hold a placeholder"
    # One word: MinIO then sends it as "Bearer <token>".
    assert len(env_example["DOCPIPE_WEBHOOK_TOKEN"].split()) == 1
    user, sep, password = env_example["FLOWER_BASIC_AUTH"].partition(":")
    assert user and sep and password


def test_dockerfile_basics():
    text = DOCKERFILE.read_text()
    instructions = [line.split(None, 1) for line in text.splitlines()
                    if line.strip() and not line.lstrip().startswith("#") and line[0].isalpha()]
    froms = [args for op, args in instructions if op.upper() == "FROM"]
    assert froms == ["python:3.11-slim"]
    assert "tesseract-ocr" in text and "rm -rf /var/lib/apt/lists/*" in text
    assert re.search(r"pip install .*\.", text)
    users = [args.strip() for op, args in instructions if op.upper() == "USER"]
    assert users and not users[-1].split(":")[0] in ("root", "0")


# --------------------------------------------------------------------------------------
# Terraform
# --------------------------------------------------------------------------------------


def _unquote(node):
    """python-hcl2 >= 7 keeps quotes on string literals and labels; drop them."""
    if isinstance(node, dict):
        return {_unquote(k): _unquote(v) for k, v in node.items()
                if k not in ("__is_block__", "__comments__")}
    if isinstance(node, list):
        return [_unquote(v) for v in node]
    if isinstance(node, str) and len(node) >= 2 and node[0] == node[-1] == '"':
        return node[1:-1]
    return node


@pytest.fixture(scope="module")
def tf() -> dict:
    merged: dict[str, dict] = {"resource": {}, "data": {}, "variable": {}, "locals": {},
                               "output": {}, "terraform": {}, "provider": {}}
    for path in sorted(INFRA.glob("*.tf")):
        with path.open() as f:
            doc = _unquote(hcl2.load(f))
        for kind in ("resource", "data"):
            for block in doc.get(kind, []):
                for rtype, named in block.items():
                    for rname, body in named.items():
                        merged[kind][f"{rtype}.{rname}"] = body
        for block in doc.get("variable", []):
            merged["variable"].update(block)
        for block in doc.get("locals", []):
            merged["locals"].update(block)
        for block in doc.get("output", []):
            merged["output"].update(block)
        for block in doc.get("provider", []):
            merged["provider"].update(block)
        for block in doc.get("terraform", []):
            merged["terraform"].update(block)
    return merged


def _resolve_locals(value: str, locals_: dict) -> str:
    return re.sub(r"\$\{local\.([a-z_]+)\}", lambda m: str(locals_[m.group(1)]), value)


def _one(body, key):
    """A nested block: python-hcl2 gives a list of one dict."""
    value = body[key]
    return value[0] if isinstance(value, list) else value


def test_terraform_files_present_and_parse(tf):
    for name in ("main.tf", "variables.tf", "outputs.tf", "versions.tf"):
        assert (INFRA / name).is_file(), name
    assert "aws" in tf["provider"]
    assert "aws" in tf["terraform"]["required_providers"][0]


def test_bucket_notification_is_object_created_under_inbox(tf):
    notif = tf["resource"]["aws_s3_bucket_notification.store"]
    queues = notif["queue"]
    assert len(queues) == 1
    q = queues[0]
    assert q["events"] == ["s3:ObjectCreated:*"]
    assert _resolve_locals(q["filter_prefix"], tf["locals"]) == "inbox/"
    assert "aws_sqs_queue.events.arn" in q["queue_arn"]
    assert any("aws_sqs_queue_policy.events" in d for d in notif["depends_on"])


def test_event_queue_has_redrive_policy_and_fits_s3_events(tf):
    queue = tf["resource"]["aws_sqs_queue.events"]
    redrive = queue["redrive_policy"]
    assert "deadLetterTargetArn" in redrive and "aws_sqs_queue.events_dlq.arn" in redrive
    assert "maxReceiveCount" in redrive
    assert int(queue["max_message_size"]) >= 64 * 1024
    assert queue.get("sqs_managed_sse_enabled") is True or queue.get("kms_master_key_id")
    assert tf["resource"]["aws_sqs_queue.events_dlq"].get("sqs_managed_sse_enabled") is True
    # Visibility timeout above the longest task: defaults, and a precondition for overrides.
    variables = tf["variable"]
    assert "var.visibility_timeout_seconds" in str(queue["visibility_timeout_seconds"])
    assert variables["visibility_timeout_seconds"]["default"] > variables["max_task_seconds"]["default"]
    pre = _one(_one(queue, "lifecycle"), "precondition")
    assert "var.visibility_timeout_seconds > var.max_task_seconds" in pre["condition"]
    allow = tf["resource"]["aws_sqs_queue_redrive_allow_policy.events_dlq"]
    assert "aws_sqs_queue.events.arn" in allow["redrive_allow_policy"]


def test_queue_policy_admits_only_this_bucket(tf):
    doc = tf["data"]["aws_iam_policy_document.events_queue"]
    (stmt,) = doc["statement"]
    assert stmt["effect"] == "Allow" and stmt["actions"] == ["sqs:SendMessage"]
    principal = _one(stmt, "principals")
    assert principal["type"] == "Service" and principal["identifiers"] == ["s3.amazonaws.com"]
    conditions = {c["variable"]: c for c in stmt["condition"]}
    assert "aws_s3_bucket.store.arn" in str(conditions["aws:SourceArn"]["values"])
    assert conditions["aws:SourceArn"]["test"] == "ArnEquals"
    assert "aws:SourceAccount" in conditions
    policy = tf["resource"]["aws_sqs_queue_policy.events"]
    assert "data.aws_iam_policy_document.events_queue.json" in policy["policy"]


def test_bucket_is_private_versioned_and_encrypted(tf):
    res = tf["resource"]
    pab = res["aws_s3_bucket_public_access_block.store"]
    for key in ("block_public_acls", "block_public_policy", "ignore_public_acls",
                "restrict_public_buckets"):
        assert pab[key] is True, key
    versioning = _one(res["aws_s3_bucket_versioning.store"], "versioning_configuration")
    assert versioning["status"] == "Enabled"
    sse = _one(res["aws_s3_bucket_server_side_encryption_configuration.store"], "rule")
    algo = _one(sse, "apply_server_side_encryption_by_default")["sse_algorithm"]
    assert algo in ("AES256", "aws:kms", "aws:kms:dsse")


def _statements():
    """Every statement of every policy document in infra/, with its document's name."""
    for path in sorted(INFRA.glob("*.tf")):
        with path.open() as f:
            doc = _unquote(hcl2.load(f))
        for block in doc.get("data", []):
            for name, body in block.get("aws_iam_policy_document", {}).items():
                for stmt in body.get("statement", []):
                    yield name, stmt


def test_iam_policies_have_no_wildcard_action_or_bare_wildcard_resource(tf):
    stmts = list(_statements())
    assert len(stmts) >= 6
    for name, stmt in stmts:
        actions = stmt.get("actions", [])
        resources = stmt.get("resources", [])
        assert actions, f"{name}: statement without actions"
        assert "*" not in actions, f"{name}: action *"
        assert "*" not in resources, f"{name}: bare * resource"
        assert "not_actions" not in stmt and "not_resources" not in stmt, name
        if stmt.get("effect", "Allow") == "Allow":
            for action in actions:
                assert "*" not in action, f"{name}: wildcard action {action} in an Allow"
    # Policies are all built from documents, so the loop above saw every one.
    for key, body in tf["resource"].items():
        if key.startswith(("aws_iam_policy.", "aws_sqs_queue_policy.", "aws_s3_bucket_policy.")):
            assert body["policy"].startswith("${data.aws_iam_policy_document."), key
        if key.startswith("aws_iam_role."):
            assert "data.aws_iam_policy_document." in body["assume_role_policy"], key


def _doc_statements(tf, name):
    return tf["data"][f"aws_iam_policy_document.{name}"]["statement"]


def test_worker_policy_is_prefix_scoped(tf):
    stmts = _doc_statements(tf, "worker")
    prefixes = {k: v for k, v in tf["locals"].items() if k.endswith("_prefix")}
    by_action: dict[str, set[str]] = {}
    for stmt in stmts:
        assert stmt["effect"] == "Allow"
        for action in stmt["actions"]:
            for r in stmt["resources"]:
                by_action.setdefault(action, set()).add(_resolve_locals(r, prefixes))

    bucket = "${aws_s3_bucket.store.arn}"
    # Deletes: originals moved out of inbox/ (archive, quarantine) and back out of
    # quarantine/ (retry), superseded artifacts (prune). Puts: outputs, the retry's copy
    # back into inbox/, sweep reports.
    assert by_action["s3:DeleteObject"] == {f"{bucket}/{p}*" for p in
                                            ("inbox/", "quarantine/", "artifacts/")}
    assert by_action["s3:PutObject"] == {f"{bucket}/{p}*" for p in
                                         ("artifacts/", "quarantine/", "archive/", "inbox/",
                                          "reports/")}
    assert by_action["s3:GetObject"] == {f"{bucket}/{p}*" for p in ("inbox/", "archive/", "artifacts/", "quarantine/")}
    assert by_action["s3:ListBucket"] == {bucket}
    (listing,) = [s for s in stmts if s["actions"] == ["s3:ListBucket"]]
    (cond,) = listing["condition"]
    assert cond["variable"] == "s3:prefix"
    assert {_resolve_locals(v, prefixes) for v in cond["values"]} == {
        "inbox/*", "artifacts/*", "quarantine/*", "archive/*"}
    assert not any(a.startswith("sqs:") for a in by_action)
    for resource in set().union(*by_action.values()):
        assert resource.startswith(bucket), resource


def test_listener_policy_is_sqs_on_the_event_queue_only(tf):
    (stmt,) = _doc_statements(tf, "listener")
    assert set(stmt["actions"]) <= {"sqs:ReceiveMessage", "sqs:DeleteMessage",
                                    "sqs:GetQueueAttributes", "sqs:GetQueueUrl",
                                    "sqs:ChangeMessageVisibility"}
    assert {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"} <= set(stmt["actions"])
    assert stmt["resources"] == ["${aws_sqs_queue.events.arn}"]


# --------------------------------------------------------------------------------------
# Optional: the real terraform binary, where there is one
# --------------------------------------------------------------------------------------

TERRAFORM = shutil.which("terraform")
PLUGIN_MIRROR = Path(os.environ.get("DOCPIPE_TF_PLUGIN_MIRROR", "/opt/tf-plugins"))


def _tf_env(tmp_path: Path) -> dict[str, str]:
    rc = tmp_path / "terraformrc"
    rc.write_text(
        'provider_installation {\n'
        f'  filesystem_mirror {{\n    path = "{PLUGIN_MIRROR}"\n  }}\n'
        '}\n'
    )
    return {**os.environ, "TF_CLI_CONFIG_FILE": str(rc), "TF_IN_AUTOMATION": "1",
            "CHECKPOINT_DISABLE": "1"}


@pytest.mark.skipif(not TERRAFORM, reason="no terraform binary")
def test_terraform_fmt(tmp_path):
    r = subprocess.run([TERRAFORM, "fmt", "-check", "-diff", "-no-color", str(INFRA)],
                       capture_output=True, text=True, env=_tf_env(tmp_path), timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.skipif(not TERRAFORM or not (PLUGIN_MIRROR / "registry.terraform.io/hashicorp/aws").is_dir(),
                    reason="no terraform binary or no local AWS provider mirror")
def test_terraform_validate(tmp_path):
    work = tmp_path / "infra"
    work.mkdir()
    for path in INFRA.glob("*.tf"):
        shutil.copy(path, work / path.name)
    env = _tf_env(tmp_path)
    init = subprocess.run([TERRAFORM, "init", "-backend=false", "-input=false", "-no-color"],
                          cwd=work, capture_output=True, text=True, env=env, timeout=300)
    assert init.returncode == 0, init.stdout + init.stderr
    val = subprocess.run([TERRAFORM, "validate", "-no-color"], cwd=work,
                         capture_output=True, text=True, env=env, timeout=300)
    assert val.returncode == 0, val.stdout + val.stderr
