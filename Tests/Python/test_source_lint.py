"""Standing check: no conversion or force-unwrap that can trap on client or stored data enters Sources/.

`Int64(someDouble)` aborts the process when the value is NaN, infinite or out of range, and `x!` aborts on nil; a
value a client sent or a store holds must never do that (docs/reliability.md, issue #12). Statically, a conversion's
argument type is unknown, so the check is deliberately broad:

- every `Int(`, `Int32(` or `Int64(` call with a single unlabeled argument, unless the argument is an integer
  literal or a `.count`;
- every postfix `!` (force unwrap, `try!`, `as!`) outside comments and string literals.

Each site that is safe stays only with an entry in `trapping_allowlist.txt` (file, the exact code, a reason); safe
sites are better rewritten in a form that cannot trap: `Int64(exactly:)`, `Int64(wholeNumber:)`,
`Int64(saturating:)` (ProvModel/Values/SafeConversion.swift), `Int64(text, radix: 10)` for parsing,
`Int64(truncatingIfNeeded:)` for bit patterns, or `?? default`. Generated code (ProvInspect/ONNX/Generated) is exempt.
"""
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
SOURCES = ROOT / "Sources"
ALLOWLIST = pathlib.Path(__file__).with_name("trapping_allowlist.txt")
EXEMPT = ("Sources/ProvInspect/ONNX/Generated/",)

CONVERSION = re.compile(r"(?<![\w.])(Int|Int32|Int64)\(")
FORCE = re.compile(r"(?:[\w\)\]]|\btry|\bas)!(?!=)")


def strip_code(line: str, state: dict) -> str:
    """The line with comments and string-literal contents blanked (multi-line strings and block comments tracked)."""
    out = []
    i = 0
    n = len(line)
    while i < n:
        if state["block"]:
            end = line.find("*/", i)
            if end < 0:
                return "".join(out)
            state["block"] = False
            i = end + 2
            continue
        if state["multiline"]:
            end = line.find('"""', i)
            if end < 0:
                return "".join(out)
            state["multiline"] = False
            out.append('""')
            i = end + 3
            continue
        c = line[i]
        if line.startswith("//", i):
            break
        if line.startswith("/*", i):
            state["block"] = True
            i += 2
            continue
        if line.startswith('"""', i):
            state["multiline"] = True
            i += 3
            continue
        if c == '"':
            # A single-line string; interpolations `\( ... )` are kept as code.
            out.append('"')
            i += 1
            while i < n and line[i] != '"':
                if line.startswith("\\(", i):
                    depth = 0
                    j = i + 1
                    while j < n:
                        if line[j] == "(":
                            depth += 1
                        elif line[j] == ")":
                            depth -= 1
                            if depth == 0:
                                break
                        j += 1
                    out.append(" " + line[i + 2 : j] + " ")
                    i = j + 1
                    continue
                if line[i] == "\\":
                    i += 2
                    continue
                i += 1
            out.append('"')
            i += 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def call_argument(code: str, start: int) -> str | None:
    """The text between the parenthesis at `start` and its match on the same line, or None."""
    depth = 0
    for j in range(start, len(code)):
        if code[j] in "([":
            depth += 1
        elif code[j] in ")]":
            depth -= 1
            if depth == 0:
                return code[start + 1 : j]
    return None


# Contexts where the call must be a failable initializer (parsing text), which cannot trap: an optional binding
# (`guard let n = Int(text)`) or a comparison with nil. `Int64(someDouble)` is not optional, so it cannot appear there.
OPTIONAL_BINDING = re.compile(r"(?:\bif|\bguard|\bwhile|,)\s*let\s+\w+\s*=\s*$")
NIL_COMPARISON = re.compile(r"^\s*[!=]=\s*nil\b")


def is_flagged_call(code: str, match: re.Match) -> bool:
    argument = call_argument(code, match.end() - 1)
    if OPTIONAL_BINDING.search(code[: match.start()]):
        return False
    if argument is not None and NIL_COMPARISON.match(code[match.end() + len(argument) + 1 :]):
        return False
    return is_flagged_conversion(argument)


def is_flagged_conversion(argument: str | None) -> bool:
    if argument is None:
        return True  # spans lines: looked at by a person
    argument = argument.strip()
    if not argument:
        return False
    # A label at the top level (`exactly:`, `clamping:`, `radix:` after a first argument) makes it another init.
    depth = 0
    for index, char in enumerate(argument):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif depth == 0 and char == ",":
            return False
        elif depth == 0 and char == ":" and re.fullmatch(r"\s*\w+\s*", argument[:index]):
            return False
    if re.fullmatch(r"-?[\d_]+", argument):
        return False
    if re.fullmatch(r"[\w.]+\.count", argument):
        return False  # an Int: fits Int and Int64
    if re.fullmatch(r"_?[A-Z][A-Z0-9_]*", argument):
        return False  # a C constant (`_SC_PAGESIZE`, `SI_USER`)
    return True


def findings():
    found = []
    for path in sorted(SOURCES.rglob("*.swift")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith(EXEMPT):
            continue
        state = {"block": False, "multiline": False}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = strip_code(line, state)
            for match in CONVERSION.finditer(code):
                if is_flagged_call(code, match):
                    found.append((relative, number, line.strip(), "conversion"))
            for match in FORCE.finditer(code):
                found.append((relative, number, line.strip(), "force"))
    return found


def allowlist():
    entries = []
    for number, line in enumerate(ALLOWLIST.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = [part.strip() for part in line.split(" | ")]
        assert len(parts) == 3 and all(parts), f"{ALLOWLIST.name}:{number}: expected 'file | code | reason'"
        entries.append((number, *parts))
    return entries


def test_no_trapping_conversions_or_force_unwraps_outside_the_allowlist():
    entries = allowlist()
    used = set()
    unexplained = []
    for relative, number, line, kind in findings():
        matches = [entry for entry in entries if entry[1] == relative and entry[2] in line]
        if matches:
            used.update(entry[0] for entry in matches)
        else:
            unexplained.append(f"{relative}:{number}: {kind}: {line}")
    assert not unexplained, (
        "conversions or force-unwraps that can trap on client or stored data; use Int64(exactly:), "
        "Int64(wholeNumber:), Int64(saturating:), Int64(text, radix: 10) or `?? default`, or add a reviewed entry "
        f"to {ALLOWLIST.name}:\n" + "\n".join(unexplained)
    )
    stale = [f"{ALLOWLIST.name}:{entry[0]}: {entry[1]} | {entry[2]}" for entry in entries if entry[0] not in used]
    assert not stale, "allow-list entries that match nothing (remove them):\n" + "\n".join(stale)


def test_the_check_flags_what_it_should():
    state = {"block": False, "multiline": False}

    def flagged(line):
        code = strip_code(line, state)
        conversions = [m for m in CONVERSION.finditer(code) if is_flagged_call(code, m)]
        return len(conversions) + len(list(FORCE.finditer(code)))

    assert flagged("let step = Int64(output.attributes[\"step\"]?.numberValue ?? 0)") == 1
    assert flagged("let n = Int(value)") == 1
    assert flagged("let n = Int32(x) + Int64(y)") == 2
    assert flagged("let x = dictionary[key]!") == 1
    assert flagged("let x = try! decode()") == 1
    assert flagged("let x = y as! String") == 1
    assert flagged("let x = Int64(exactly: value)") == 0
    assert flagged("let x = Int64(text, radix: 10)") == 0
    assert flagged("let x = Int64(events.count)") == 0
    assert flagged("let x = UInt64(1)") == 0
    assert flagged("if a != b { }") == 0
    assert flagged('let s = "Int64(x) and y!" // Int(z)!') == 0
    assert flagged('let s = "\\(Int(x))"') == 1
    assert flagged("guard let n = Int(text), n > 0 else { return }") == 0
    assert flagged("if values.allSatisfy({ Int64($0) != nil }) {}") == 0
    assert flagged("let n = sysconf(Int32(_SC_PAGESIZE))") == 0
    assert flagged("let n = Int64(x) ?? 0") == 1
