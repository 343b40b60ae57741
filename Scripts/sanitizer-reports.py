#!/usr/bin/env python3
"""Summarises the sanitizer reports in a `swift test` log, for Scripts/sanitizers.sh.

    python3 Scripts/sanitizer-reports.py LOG

Prints each distinct report once, with how often it came: its kind and the first frame in this package's code
(else the first frame). A ThreadSanitizer race whose two accesses both run inside a closure passed to `withLock`
(one of the next five frames of each access's stack is on a line that calls `withLock`) is listed apart as a lock
hand-over: `Synchronization.Mutex` on Linux hands a contended lock over inside the kernel (a priority-inheriting
futex), which ThreadSanitizer cannot see, so two accesses under the same lock look unordered
(Scripts/tsan-mutex-demo.swift shows it alone). So is a race between a continuation's `resume` and the resumed
task's own frame, in memory of the task allocator (swiftlang/swift#57803). Any other report is counted.

The last line is `counted=N handovers=M`; the exit status is 1 when N > 0.
"""
import collections
import os
import re
import sys

REPORT_START = re.compile(r"^(WARNING|ERROR): (ThreadSanitizer|AddressSanitizer|LeakSanitizer)")
FRAME = re.compile(r"^\s+#(\d+) (.*)$")
LOCATION = re.compile(r"(/\S+\.swift):(\d+)(?::\d+)?")
ACCESS = re.compile(r"^\s+(Previous )?(write|read|modifying access|read-only access|atomic)\b", re.IGNORECASE)
OWN_CODE = re.compile(r"/(Sources|Examples|Tests)/")
RESUME = re.compile(r"^\$sSc[cC]6resume")

_lines_cache = {}


def source_line(path, number):
    if path not in _lines_cache:
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                _lines_cache[path] = handle.read().split("\n")
        except OSError:
            _lines_cache[path] = None
    lines = _lines_cache[path]
    if lines is None or not 1 <= number <= len(lines):
        return None
    return lines[number - 1]


def lock_site(stack, depth=5):
    """The `path:line:column` of the `withLock` call that frame #0 runs inside, or None: `withLock` is inlined, so the
    call of its closure is placed on the line that says `withLock`, in one of the next frames (a throwing closure adds
    a compiler-made thunk frame between, and the access may be in a function the closure calls)."""
    for frame in stack[1:depth + 1]:
        match = LOCATION.search(frame)
        if match and "withLock" in (source_line(match.group(1), int(match.group(2))) or ""):
            return match.group(0)
    return None


def continuation_handover(report, accesses):
    """Whether one access is a continuation's `resume` and the memory is a task's own stack (the task allocator):
    the runtime orders a resume before the task runs again, which ThreadSanitizer does not see
    (swiftlang/swift#57803)."""
    resumes = [s for s in accesses if s and RESUME.match(s[0])]
    return bool(resumes) and report["in_task_allocator"]


def reports(log_lines):
    current = None
    for line in log_lines:
        if REPORT_START.match(line):
            current = {"kind": line.strip(), "stacks": [], "frames": [], "in_task_allocator": False}
            continue
        if current is None:
            continue
        if line.startswith("SUMMARY: "):
            yield current
            current = None
            continue
        if ACCESS.match(line):
            current["stacks"].append([])
            continue
        if line.strip() and not line.startswith(" "):
            continue
        frame = FRAME.match(line)
        if frame:
            text = re.sub(r"^0x[0-9a-f]+ in ", "", frame.group(2))
            current["frames"].append(text)
            if current.get("location") and "swift::StackAllocator" in text:
                current["in_task_allocator"] = True
            stack = current["stacks"][-1] if current["stacks"] else None
            if stack is not None and frame.group(1) == str(len(stack)):
                stack.append(text)
        elif line.strip().startswith(("Location is", "Thread T", "Mutex M")):
            if line.strip().startswith("Location is"):
                current["location"] = True
            # Past the access stacks: allocation and thread-creation stacks are not accesses.
            current["stacks"].append(None)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8", errors="replace") as handle:
        log_lines = handle.read().split("\n")
    counted = collections.Counter()
    handovers = collections.Counter()
    for report in reports(log_lines):
        accesses = [s for s in report["stacks"] if s is not None][:2]
        # The first frame in our code, in the accesses' stacks before the allocation and thread-creation stacks.
        frames = [f for s in accesses for f in s] + report["frames"]
        own = next((f for f in frames if OWN_CODE.search(f) and ".build" not in f), None)
        kind = re.sub(r"\s*\(pid=\d+\)", "", report["kind"])
        label = kind + " @ " + re.sub(r"\s*\([^()]*\+0x[0-9a-f]+\)(\s*\(BuildId: [0-9a-f]+\))?", "", own or (frames[0] if frames else "?"))
        is_race = "ThreadSanitizer" in report["kind"] and "race" in report["kind"]
        if is_race and len(accesses) == 2 and all(lock_site(s) for s in accesses):
            where = " / ".join(lock_site(s).replace(os.getcwd() + "/", "") for s in accesses)
            handovers["lock hand-over (both accesses inside withLock: " + where + ")"] += 1
        elif is_race and len(accesses) == 2 and continuation_handover(report, accesses):
            other = next(s for s in accesses if not RESUME.match(s[0]))
            where = (LOCATION.search(" ".join(other[:3])) or re.match(r"\S+", other[0])).group(0)
            handovers["continuation hand-over (resume, then the task's own frame at " + where.replace(os.getcwd() + "/", "") + ")"] += 1
        else:
            counted[label] += 1
    for label, times in counted.most_common():
        print(f"{times:6d} {label}")
    for label, times in handovers.most_common():
        print(f"{times:6d} not counted: {label}")
    print(f"counted={sum(counted.values())} handovers={sum(handovers.values())}")
    sys.exit(1 if counted else 0)


if __name__ == "__main__":
    main()
