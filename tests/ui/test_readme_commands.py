"""README's two commands: the test one is what .ci/run runs; the run one opens the window."""

import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```\n(.*?)```", section, re.S)]


def test_readme_test_command_is_what_ci_runs():
    run_cmd, test_cmd = _readme_commands()
    assert test_cmd == "bash scripts/test.sh"
    assert "scripts/test.sh" in (ROOT / ".ci" / "run").read_text()
    assert run_cmd.startswith("bash scripts/setup.sh && ")


def test_readme_run_command_opens_the_default_demo_window():
    run_cmd, _ = _readme_commands()
    program = run_cmd.split("&& ", 1)[1].split()
    executable = ROOT / program[0]
    assert executable.exists(), f"{program[0]} is not installed by scripts/setup.sh"
    env = dict(os.environ)  # pytest-xvfb's DISPLAY: a real X server, as a user has
    env.pop("QT_QPA_PLATFORM", None)
    env.pop("RNNVIZ_WORKER", None)  # the default worker: a training process, started at once
    result = subprocess.run(
        [str(executable), *program[1:], "--exit-after", "2"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
