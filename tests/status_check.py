#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# status_check.py SCHEMA [FILE]: validate miredo-status -j output (FILE or
# standard input) against tests/status.schema.json.  The keywords that
# schema uses (type, const, enum, required, properties,
# additionalProperties, items, minimum, maximum, pattern, oneOf) are
# checked here, so that no package is needed; where python3-jsonschema is
# installed it checks too.  Exit 0 if valid, 1 with the reasons if not.

import json
import re
import sys

TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def check(s, v, path, errs):
    if "oneOf" in s:
        ok = []
        for sub in s["oneOf"]:
            e = []
            check(sub, v, path, e)
            ok.append(not e)
            if e and len(s["oneOf"]) > 1:
                errs_alt.append(e)
        if ok.count(True) != 1:
            errs.append("%s: matches %d of oneOf" % (path, ok.count(True)))
        return
    if "type" in s:
        t = s["type"] if isinstance(s["type"], list) else [s["type"]]
        if not any(TYPES[x](v) for x in t):
            errs.append("%s: %r is not %s" % (path, v, "/".join(t)))
            return
    if "const" in s and v != s["const"]:
        errs.append("%s: %r is not %r" % (path, v, s["const"]))
    if "enum" in s and v not in s["enum"]:
        errs.append("%s: %r not in %r" % (path, v, s["enum"]))
    if isinstance(v, str) and "pattern" in s and not re.search(s["pattern"], v):
        errs.append("%s: %r does not match %s" % (path, v, s["pattern"]))
    if isinstance(v, int) and not isinstance(v, bool):
        if "minimum" in s and v < s["minimum"]:
            errs.append("%s: %d < %d" % (path, v, s["minimum"]))
        if "maximum" in s and v > s["maximum"]:
            errs.append("%s: %d > %d" % (path, v, s["maximum"]))
    if isinstance(v, dict):
        for k in s.get("required", []):
            if k not in v:
                errs.append("%s: %s missing" % (path, k))
        props = s.get("properties", {})
        for k, x in v.items():
            if k in props:
                check(props[k], x, path + "." + k, errs)
            elif s.get("additionalProperties") is False:
                errs.append("%s: unexpected key %s" % (path, k))
            elif isinstance(s.get("additionalProperties"), dict):
                check(s["additionalProperties"], x, path + "." + k, errs)
    if isinstance(v, list) and "items" in s:
        for i, x in enumerate(v):
            check(s["items"], x, "%s[%d]" % (path, i), errs)


errs_alt = []


def main():
    schema = json.load(open(sys.argv[1]))
    f = open(sys.argv[2]) if len(sys.argv) > 2 else sys.stdin
    text = f.read()
    try:
        doc = json.loads(text)
    except ValueError as e:
        print("not JSON: %s" % e)
        return 1
    errs = []
    check(schema, doc, "$", errs)
    if errs:
        for e in errs + [x for alt in errs_alt for x in alt]:
            print(e)
        return 1
    try:
        import jsonschema
    except ImportError:
        return 0
    try:
        jsonschema.validate(doc, schema)
    except jsonschema.ValidationError as e:
        print("jsonschema: %s" % e.message)
        return 1
    return 0


sys.exit(main())
