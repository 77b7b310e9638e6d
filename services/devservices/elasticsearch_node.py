"""A real single-node Elasticsearch, resolved from Maven Central and run on loopback.

No Docker engine and no Elastic download site are reachable here, but Elastic publishes
the server and its HTTP module to Maven Central. ``es_node/`` holds a Maven project that
resolves them and a small launcher (see EsNode.java for what it adds and why). The
resolved classpath and compiled launcher are cached under the state directory, keyed by
a hash of the sources, so only the first start pays for resolution.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from services.common.settings import Settings
from services.devservices import process
from services.devservices.errors import ServiceError

LAUNCHER_DIR = Path(__file__).parent / "es_node"
MIN_JAVA = 21


@dataclass(frozen=True)
class ElasticsearchStatus:
    running: bool
    version: str | None
    pid: int | None
    health: str | None


def java_major(java_home: Path) -> int | None:
    java = java_home / "bin" / "java"
    if not java.exists():
        return None
    try:
        out = subprocess.run(
            [str(java), "-version"], capture_output=True, text=True, timeout=30
        ).stderr
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r'version "(\d+)', out)
    return int(match.group(1)) if match else None


def find_java(settings: Settings) -> Path:
    """A JDK of version 21 or newer (Elasticsearch 9 needs it), installing one if missing."""
    candidates: list[Path] = []
    for configured in (settings.java_home, os.environ.get("JAVA_HOME")):
        if configured:
            candidates.append(Path(configured))
    jvm_root = Path("/usr/lib/jvm")
    if jvm_root.is_dir():
        candidates.extend(sorted(jvm_root.iterdir(), reverse=True))
    for home in candidates:
        major = java_major(home)
        if major is not None and major >= MIN_JAVA and (home / "bin" / "javac").exists():
            return home
    for package in ("openjdk-25-jdk-headless", "openjdk-21-jdk-headless"):
        if _apt_install(package):
            return find_java(settings)
    raise ServiceError(
        f"no JDK {MIN_JAVA}+ found (looked at BRI_JAVA_HOME, JAVA_HOME, /usr/lib/jvm) "
        "and none could be installed with apt-get; set BRI_JAVA_HOME to one"
    )


def _apt_install(package: str) -> bool:
    try:
        subprocess.run(["apt-get", "update", "-qq"], capture_output=True, check=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", package], capture_output=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return False
    return True


def _maven() -> str:
    mvn = shutil.which("mvn")
    if mvn:
        return mvn
    if _apt_install("maven") and shutil.which("mvn"):
        return str(shutil.which("mvn"))
    raise ServiceError("Maven (mvn) is needed to resolve Elasticsearch and could not be installed")


def _sources_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(LAUNCHER_DIR.rglob("*")):
        if path.is_file() and "target" not in path.parts:
            digest.update(str(path.relative_to(LAUNCHER_DIR)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def build(settings: Settings, java_home: Path) -> tuple[Path, str]:
    """Resolve and compile the launcher once; returns (build dir, classpath)."""
    build_dir = settings.state_dir / "elasticsearch" / "build" / _sources_digest()
    classpath_file = build_dir / "classpath.txt"
    classes = build_dir / "classes"
    if classpath_file.exists() and (classes / "bri" / "esnode" / "EsNode.class").exists():
        return build_dir, classpath_file.read_text().strip()
    build_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "JAVA_HOME": str(java_home)}
    resolve = subprocess.run(
        [
            _maven(), "-q", "-B", "-f", str(LAUNCHER_DIR / "pom.xml"),
            "dependency:build-classpath", f"-Dmdep.outputFile={classpath_file}",
        ],
        env=env, capture_output=True, text=True,
    )
    if resolve.returncode != 0 or not classpath_file.exists():
        raise ServiceError(
            "Maven could not resolve Elasticsearch from Maven Central:\n"
            + (resolve.stdout + resolve.stderr)[-2000:]
        )
    classpath = classpath_file.read_text().strip()
    sources = [str(p) for p in (LAUNCHER_DIR / "src").rglob("*.java")]
    compiled = subprocess.run(
        [str(java_home / "bin" / "javac"), "-d", str(classes), "-cp", classpath, *sources],
        capture_output=True, text=True,
    )
    if compiled.returncode != 0:
        raise ServiceError("the Elasticsearch launcher did not compile:\n" + compiled.stderr[-2000:])
    return build_dir, classpath


def start(settings: Settings, wait_seconds: float = 180.0) -> ElasticsearchStatus:
    current = status(settings)
    if current.running:
        return current
    java_home = find_java(settings)
    build_dir, classpath = build(settings, java_home)
    home = settings.state_dir / "elasticsearch"
    node_home = home / "node"
    node_home.mkdir(parents=True, exist_ok=True)
    heap = settings.elasticsearch_heap
    command = [
        str(java_home / "bin" / "java"),
        f"-Xms{heap}", f"-Xmx{heap}",
        "-XX:+UseG1GC",
        "--enable-native-access=ALL-UNNAMED",
        f"-Djava.io.tmpdir={node_home / 'tmp'}",
        "-Dfile.encoding=UTF-8",
        "-cp", f"{build_dir / 'classes'}:{classpath}",
        "bri.esnode.EsNode",
        str(node_home),
        str(settings.elasticsearch_port),
        str(settings.elasticsearch_transport_port),
    ]
    (node_home / "tmp").mkdir(exist_ok=True)
    pid_file = home / "elasticsearch.pid"
    log_file = home / "elasticsearch.log"
    pid = process.spawn_detached(command, log_file, pid_file)
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        if not process.is_alive(pid):
            tail = log_file.read_text(errors="replace")[-3000:]
            raise ServiceError(f"Elasticsearch exited during start-up; end of {log_file}:\n{tail}")
        current = status(settings)
        if current.running and current.health in ("green", "yellow"):
            return current
        time.sleep(0.5)
    raise ServiceError(f"Elasticsearch was not healthy within {wait_seconds:.0f}s; see {log_file}")


def stop(settings: Settings) -> bool:
    return process.stop(settings.state_dir / "elasticsearch" / "elasticsearch.pid", timeout=60)


def status(settings: Settings) -> ElasticsearchStatus:
    pid = process.read_pid(settings.state_dir / "elasticsearch" / "elasticsearch.pid")
    base = f"http://127.0.0.1:{settings.elasticsearch_port}"
    try:
        info = httpx.get(base + "/", timeout=2).json()
        health = httpx.get(base + "/_cluster/health", timeout=2).json()
    except (httpx.HTTPError, ValueError):
        return ElasticsearchStatus(running=False, version=None, pid=pid, health=None)
    return ElasticsearchStatus(
        running=True,
        version=info.get("version", {}).get("number"),
        pid=pid,
        health=health.get("status"),
    )
