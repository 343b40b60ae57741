"""The side-by-side benchmark of issue 10, driven by Benchmarks/compare.sh (which builds and installs what it needs).

Every client reads the same secrets from one `akv-emulator serve` process at a time, in the same run:
  - `akv-mount mount`, as a whole process (wall time and peak RSS from wait4; its fetch phase from its own log line);
  - `bench-library`, the library in one process, warm (token, challenge and connections already there);
  - the official Azure SDK for Python: asyncio with the same number in flight, and sync, one secret after another
    (as the Go provider fetches); timed inside the script (credential, first token and fetches; the interpreter's
    start and imports are left out, in the SDK's favour).

Scenarios: Key Vault latency L (default 20 ms); no added latency; a vault limited to R requests per second (429 once
spent, with `x-ms-retry-after-ms` telling the rest of the window); 1,000 secrets of 4 KiB for peak RSS; one secret for
cold start. Request and 429 counts come from the emulator (`--stats-file`, written on SIGUSR1), not from the clients.
Prints tables and, last, one summary line with the ratios. Loopback only.
"""
import argparse
import json
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

TENANT = "7f1c6b9e-3a52-4d0e-9a61-2b8f4c5d6e01"
APP = "11111111-aaaa-4bbb-8ccc-000000000001"
OID = "22222222-aaaa-4bbb-8ccc-000000000001"
SECRET = "bench-secret"


def seed(small_count, big_count):
    """Two vaults: bench-kv with `small_count` secrets of 64 bytes, big-kv with `big_count` of 4 KiB."""
    def vault(name, count, size):
        return {
            "name": name, "tenantId": TENANT, "permissionModel": "rbac",
            "secrets": [{"name": f"bench-{i:04d}", "value": (f"{name}-{i:04d}-" * (size // 8 + 1))[:size]} for i in range(count)],
            "roleAssignments": [{"principalObjectId": OID, "role": "Key Vault Secrets User"}],
        }
    return {
        "tenants": [{"id": TENANT, "applications": [{"name": "bench", "clientId": APP, "objectId": OID, "secret": SECRET}]}],
        "vaults": [vault("bench-kv", small_count, 64), vault("big-kv", big_count, 4096)],
    }


class Emulator:
    """One `akv-emulator serve` process with a latency and an optional rate limit."""

    def __init__(self, binary, work, seed_file, latency_ms=None, rate_limit=None):
        self.work = work
        self.env_file = os.path.join(work, "emulator.env")
        self.stats_file = os.path.join(work, "emulator-stats.json")
        for path in (self.env_file, self.stats_file):
            if os.path.exists(path):
                os.remove(path)
        command = [binary, "serve", "--seed", seed_file, "--env-file", self.env_file, "--stats-file", self.stats_file]
        if latency_ms:
            command += ["--latency", f"{latency_ms:g}ms"]
        if rate_limit:
            command += ["--rate-limit", rate_limit, "--retry-after", "window"]
        self.log = open(os.path.join(work, "emulator.log"), "ab")
        self.process = subprocess.Popen(command, stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if os.path.exists(self.env_file) and "AKV_EMULATOR_READY=1" in open(self.env_file).read():
                break
            if self.process.poll() is not None:
                self.log.flush()
                tail = open(self.log.name, errors="replace").read()[-2000:]
                raise SystemExit(f"akv-emulator exited with {self.process.returncode}:\n{tail}")
            time.sleep(0.1)
        else:
            raise SystemExit("akv-emulator did not become ready within 120 s")
        self.env = {}
        for line in open(self.env_file):
            if "=" in line and not line.startswith("#"):
                key, value = line.rstrip("\n").split("=", 1)
                self.env[key] = value.strip("'")

    def vault_url(self, vault):
        return self.env[f"AKV_EMULATOR_VAULT_URL_{vault.upper().replace('-', '_')}"]

    def stats(self, vault):
        """(requests answered, 429s) for the vault so far."""
        if os.path.exists(self.stats_file):
            os.remove(self.stats_file)
        self.process.send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + 10
        while not os.path.exists(self.stats_file):
            if time.monotonic() > deadline:
                raise SystemExit("akv-emulator wrote no --stats-file within 10 s")
            time.sleep(0.01)
        counts = json.load(open(self.stats_file)).get(vault, {})
        return counts.get("total", 0), counts.get("byStatus", {}).get("429", 0)

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def run(command, env=None):
    """Runs a process to its end: (wall seconds, peak RSS KiB, stdout, stderr)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        process = subprocess.Popen(command, env=env, stdout=out, stderr=err)
        # wait4 gives this child's own peak RSS (ru_maxrss, KiB on Linux).
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if process.returncode != 0:
        raise SystemExit(f"{command[0]} exited with {process.returncode}:\n{stderr[-2000:]}")
    return elapsed, usage.ru_maxrss, stdout, stderr


class Bench:
    def __init__(self, args):
        self.args = args
        self.bin = args.bin
        self.work = tempfile.mkdtemp(prefix="akv-compare-")
        self.seed_file = os.path.join(self.work, "seed.json")
        json.dump(seed(max(args.count, args.rate_count), args.count), open(self.seed_file, "w"))
        open(os.path.join(self.work, "creds.json"), "w").write(json.dumps({"clientid": APP, "clientsecret": SECRET}))
        self.runs = 0
        # Mount targets on tmpfs, as the Secrets Store CSI driver mounts one at every pod's target (and as a disk
        # would not be: ext4 without a journal scans recently deleted inodes on every create, so a benchmark that
        # deletes its outputs measures the file system, not the writer). AKV_COMPARE_TARGETS overrides.
        parent = os.environ.get("AKV_COMPARE_TARGETS") or ("/dev/shm" if os.access("/dev/shm", os.W_OK) else self.work)
        self.targets = tempfile.mkdtemp(prefix="akv-compare-targets-", dir=parent)

    def spc(self, vault, count):
        path = os.path.join(self.work, f"spc-{vault}-{count}.yaml")
        if not os.path.exists(path):
            objects = "\n".join(f"        - |\n          objectName: bench-{i:04d}\n          objectType: secret" for i in range(count))
            open(path, "w").write(
                "apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\nmetadata:\n  name: bench\nspec:\n"
                f"  provider: azure\n  parameters:\n    keyvaultName: {vault}\n    tenantID: {TENANT}\n    objects: |\n      array:\n{objects}\n")
        return path

    def target(self):
        self.runs += 1
        return os.path.join(self.targets, f"out-{self.runs}")

    def files(self, folder):
        return sum(1 for name in os.listdir(folder) if name.startswith("bench-")) if os.path.isdir(folder) else 0

    def environment(self, emulator):
        env = dict(os.environ)
        env.update(emulator.env)
        return env

    def akv_mount(self, emulator, vault, count):
        """(wall s, peak RSS KiB, fetch s, files)"""
        target = self.target()
        command = [
            os.path.join(self.bin, "akv-mount"), "mount", "--spc", self.spc(vault, count),
            "--secrets", os.path.join(self.work, "creds.json"), "--target", target,
            "--vault-url", f"{vault}={emulator.vault_url(vault)}", "--no-verify-challenge-resource",
            "--concurrency", str(self.args.concurrency), "--log-level", "info",
        ]
        elapsed, rss, _, err = run(command, env=self.environment(emulator))
        match = re.search(r"elapsed=([0-9.e-]+) seconds.*fetched objects", err)
        fetch = float(match.group(1)) if match else float("nan")
        found = self.files(target)
        shutil.rmtree(target, ignore_errors=True)
        return elapsed, rss, fetch, found

    def library(self, emulator, vault, count, mounts=1):
        """(mount s, fetch s, write s, files) of the warm timed part."""
        target = self.target()
        command = [
            os.path.join(self.bin, "bench-library"), "--env-file", emulator.env_file, "--vault", vault,
            "--vault-url", emulator.vault_url(vault), "--tenant", TENANT, "--client-id", APP, "--client-secret", SECRET,
            "--count", str(count), "--mounts", str(mounts), "--concurrency", str(self.args.concurrency), "--target", target,
        ]
        _, _, out, _ = run(command, env=self.environment(emulator))
        fields = out.split()
        values = dict(field.split("=", 1) for field in fields[3:])
        found = sum(self.files(os.path.join(target, f"mount-{i}")) for i in range(mounts))
        shutil.rmtree(target, ignore_errors=True)
        return float(fields[2]), float(values["fetch"]), float(values["write"]), found

    def sdk(self, emulator, vault, mode, count):
        """Seconds inside the script (credential, first token, fetches) and the whole process's wall time."""
        env = self.environment(emulator)
        env["REQUESTS_CA_BUNDLE"] = emulator.env["SSL_CERT_FILE"]
        env["NO_PROXY"] = "127.0.0.1"
        command = [
            self.args.python, os.path.join(os.path.dirname(__file__), "sdk_client.py"), mode, emulator.env_file, TENANT, APP,
            SECRET, emulator.vault_url(vault), str(count), str(self.args.concurrency),
        ]
        elapsed, rss, out, _ = run(command, env=env)
        return float(out.split()[2]), elapsed, rss

    def median(self, runs, measure):
        samples = [measure() for _ in range(runs)]
        ordered = sorted(samples, key=lambda sample: sample[0])
        return ordered[len(ordered) // 2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True, help="the release build's bin folder")
    parser.add_argument("--python", required=True, help="the virtual environment's python, with the SDK")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=20)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--runs", type=int, default=3, help="runs per client and scenario; the median is shown")
    parser.add_argument("--rate", type=int, default=400, help="requests per second of the rate-limited vault")
    parser.add_argument("--rate-count", type=int, default=2000, help="secrets read from the rate-limited vault")
    parser.add_argument("--skip-sync", action="store_true", help="leave out the one-after-another client (slow)")
    args = parser.parse_args()
    bench = Bench(args)
    emulator_binary = os.path.join(args.bin, "akv-emulator")
    n, c, latency = args.count, args.concurrency, args.latency_ms
    bound = math.ceil(n / c) * latency / 1000
    rows = []
    summary = {}

    def row(scenario, client, seconds, extra="", requests=None, throttled=None, rss=None, files=None, expected=None):
        rows.append((scenario, client, seconds, extra, requests, throttled, rss, files, expected))

    def counted(emulator, vault, measure, runs=1):
        """The median run of `measure` (by its first figure), with the requests and 429s the emulator counted in it."""
        samples = []
        for _ in range(runs):
            before = emulator.stats(vault)
            value = measure()
            after = emulator.stats(vault)
            samples.append((value, after[0] - before[0], after[1] - before[1]))
        samples.sort(key=lambda sample: sample[0][0])
        return samples[len(samples) // 2]

    def side_by_side(emulator, scenario):
        """akv-mount, the warm library and the asyncio SDK client on bench-kv: (mount s, its fetch s, library s, asyncio s)."""
        (mount_s, rss, fetch_s, files), requests, throttled = counted(
            emulator, "bench-kv", lambda: bench.akv_mount(emulator, "bench-kv", n), args.runs)
        row(scenario, "akv-mount mount (process)", mount_s, f"fetch {fetch_s:.3f}, outside fetch {mount_s - fetch_s:.3f}",
            requests, throttled, rss, files, n)
        (lib_s, lib_fetch, lib_write, files), requests, throttled = counted(
            emulator, "bench-kv", lambda: bench.library(emulator, "bench-kv", n), args.runs)
        row(scenario, "library, warm (bench-library)", lib_s, f"fetch {lib_fetch:.3f}, write {lib_write:.3f}",
            requests, throttled, None, files, n)
        (aio_s, aio_wall, aio_rss), requests, throttled = counted(
            emulator, "bench-kv", lambda: bench.sdk(emulator, "bench-kv", "async", n), args.runs)
        row(scenario, "Python SDK asyncio, same in flight", aio_s, f"process {aio_wall:.3f}", requests, throttled, aio_rss)
        return mount_s, fetch_s, lib_s, aio_s

    try:
        # 1. Latency L.
        emulator = Emulator(emulator_binary, bench.work, bench.seed_file, latency_ms=latency)
        try:
            mount_s, fetch_s, lib_s, aio_s = side_by_side(emulator, f"{n} x 64 B, L={latency:g}ms, C={c}")
            summary.update(mount=mount_s, outside_fetch=mount_s - fetch_s, library=lib_s, asyncio=aio_s)
            scenario = f"{n} x 64 B, L={latency:g}ms, C={c}"
            if not args.skip_sync:
                (sync_s, sync_wall, sync_rss), requests, throttled = counted(
                    emulator, "bench-kv", lambda: bench.sdk(emulator, "bench-kv", "sync", n))
                row(scenario, "Python SDK sync, one after another", sync_s, f"process {sync_wall:.3f}", requests, throttled, sync_rss)
                summary["sync"] = sync_s
            # Peak RSS with 4 KiB values.
            big = f"{n} x 4 KiB, L={latency:g}ms, C={c}"
            (big_s, big_rss, big_fetch, files), requests, throttled = counted(
                emulator, "big-kv", lambda: bench.akv_mount(emulator, "big-kv", n), args.runs)
            row(big, "akv-mount mount (process)", big_s, f"fetch {big_fetch:.3f}", requests, throttled, big_rss, files, n)
            summary["rss_mib"] = big_rss / 1024
        finally:
            emulator.stop()

        # 2. No added latency; cold start.
        emulator = Emulator(emulator_binary, bench.work, bench.seed_file)
        try:
            mount0, _, _, aio0 = side_by_side(emulator, f"{n} x 64 B, no added latency, C={c}")
            summary.update(mount0=mount0, asyncio0=aio0)
            scenario = "1 secret, cold start (whole process)"
            cold = bench.median(5, lambda: bench.akv_mount(emulator, "bench-kv", 1))
            row(scenario, "akv-mount mount", cold[0], "", None, None, cold[1], cold[3], 1)
            py_cold = bench.median(5, lambda: bench.sdk(emulator, "bench-kv", "sync", 1))
            row(scenario, "Python SDK sync, one get_secret (process)", py_cold[1], f"inside the script {py_cold[0]:.3f}", None, None, py_cold[2])
            summary["cold"] = cold[0]
            summary["py_cold"] = py_cold[1]
        finally:
            emulator.stop()

        # 3. A rate-limited vault.
        rate_n = args.rate_count
        budget_s = rate_n / args.rate
        emulator = Emulator(emulator_binary, bench.work, bench.seed_file, latency_ms=latency, rate_limit=f"{args.rate}/1s")
        try:
            scenario = f"{rate_n} x 64 B, {args.rate}/s limit, L={latency:g}ms, C={c}"
            time.sleep(1.1)
            (rl_s, rss, rl_fetch, files), requests, throttled = counted(
                emulator, "bench-kv", lambda: bench.akv_mount(emulator, "bench-kv", rate_n))
            row(scenario, "akv-mount mount (process)", rl_s, f"fetch {rl_fetch:.3f}", requests, throttled, rss, files, rate_n)
            summary["rate_mount"] = (rl_fetch, throttled / max(1, requests))
            time.sleep(1.1)
            (rl2, rl2_fetch, rl2_write, files), requests, throttled = counted(
                emulator, "bench-kv", lambda: bench.library(emulator, "bench-kv", rate_n, mounts=2))
            row(scenario, f"library, 2 concurrent mounts of {rate_n // 2}", rl2, f"fetch {rl2_fetch:.3f}",
                requests, throttled, None, files, rate_n)
            summary["rate_library"] = (rl2, throttled / max(1, requests))
            time.sleep(1.1)
            (rl_aio, rl_aio_wall, _), requests, throttled = counted(
                emulator, "bench-kv", lambda: bench.sdk(emulator, "bench-kv", "async", rate_n))
            row(scenario, "Python SDK asyncio, same in flight", rl_aio, f"process {rl_aio_wall:.3f}", requests, throttled)
        finally:
            emulator.stop()
    finally:
        shutil.rmtree(bench.work, ignore_errors=True)
        shutil.rmtree(bench.targets, ignore_errors=True)

    print(f"side by side on one emulator process; {n} secrets, Key Vault latency L = {latency:g} ms, C = {c} in flight,"
          f" median of {args.runs}; bound ceil(N/C) x L = {bound:.3f} s; mount targets under {os.path.dirname(bench.targets)}")
    headers = ("scenario", "client", "seconds", "detail", "KV req", "429s", "peak RSS", "files")
    table = [headers]
    for scenario, client, seconds, extra, requests, throttled, rss, files, expected in rows:
        table.append((
            scenario, client, f"{seconds:.3f}", extra, "" if requests is None else str(requests),
            "" if throttled is None else str(throttled), "" if rss is None else f"{rss / 1024:.1f} MiB",
            "" if files is None else f"{files}/{expected}",
        ))
    widths = [max(len(line[i]) for line in table) for i in range(len(headers))]
    for index, line in enumerate(table):
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip())
        if index == 0:
            print("  ".join("-" * width for width in widths))
    parts = [
        f"library/bound={summary['library'] / bound:.2f} (<=1.15)",
        f"mount/asyncio={summary['mount'] / summary['asyncio']:.2f} (<=0.75)",
        f"mount/asyncio@0ms={summary['mount0'] / summary['asyncio0']:.2f} (<=0.5)",
    ]
    if "sync" in summary:
        parts.append(f"sync/mount={summary['sync'] / summary['mount']:.1f} (>=15)")
    parts += [
        f"outside-fetch={summary['outside_fetch']:.3f}s (<=0.2)",
        f"rate-limited mount={summary['rate_mount'][0] / budget_s:.2f}x{budget_s:g}s 429s={100 * summary['rate_mount'][1]:.1f}%",
        f"2 mounts={summary['rate_library'][0] / budget_s:.2f}x{budget_s:g}s 429s={100 * summary['rate_library'][1]:.1f}% (<=1.2, <=5%)",
        f"rss={summary['rss_mib']:.1f}MiB (<=64)",
        f"cold mount/python={summary['cold'] / summary['py_cold']:.2f}",
    ]
    print("summary: " + " ".join(parts))


if __name__ == "__main__":
    main()
