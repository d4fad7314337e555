#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/corpus/<target>/.

Seeds are small, hand-made inputs that reach each target's main paths, so
that fuzzing (and the replay test in the normal build) starts from valid
structure rather than from random bytes. The binary layouts follow the
decoders in fuzz_record_extractor.cpp and fuzz_engine.cpp. Re-run after
changing a decoder; the fuzzer's own finds are not committed here (they
live in the build tree, see run-fuzz.sh), only crashes under regressions/.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    folder = os.path.join(HERE, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(folder, name), "wb") as out:
        out.write(data)


# --- rfc3339 -----------------------------------------------------------------
for name, text in {
    "utc": "2019-08-29T21:15:00Z",
    "lowercase": "2019-08-29t21:15:00.123z",
    "offset": "2025-11-21T06:39:50.250+02:00",
    "negative-offset": "2019-08-29T16:45:00-04:30",
    "leap-day": "2024-02-29T12:00:00Z",
    "leap-second": "2016-12-31T23:59:60Z",
    "nanoseconds": "2019-08-29T21:15:00.000000001Z",
    "bad-day": "2026-02-31T00:00:00Z",
    "bad-offset": "2026-01-01T00:00:00+99:99",
    "space": "2019-08-29 21:15:00Z",
}.items():
    write("rfc3339", name, text)

# --- duration ------------------------------------------------------------------
for name, text in {
    "ms": "500ms", "compound": "1h30m", "decimal": "1.5s", "days": "2d",
    "all-units": "1d2h3m4s5ms", "bare-number": "5", "too-big": "400d", "zero": "0s",
}.items():
    write("duration", name, text)

# --- record_id -------------------------------------------------------------------
for name, text in {
    "canonical": "5d684054fc3540a0", "prefixed": "0x5d684054fc3540a0", "upper": "0X5D684054FC3540A0",
    "decimal": "6730926402520547488", "zero": "0", "overflow": "18446744073709551616",
    "bad-hex": "0x12g4", "opaque": "order-1001",
}.items():
    write("record_id", name, text)

# --- config ----------------------------------------------------------------------
BASE = """{
  "pipeline": "orders",
  "kafka": {"brokers": "b1:9092", "properties": {"security.protocol": "SASL_SSL"}},
  "stages": [
    {"name": "incoming", "topics": ["orders.in"], "id": {"from": "json", "pointer": "/id"}},
    {"name": "processed", "topics": ["orders.out"], "id": {"from": "json", "pointer": "/id"},
     "time": {"from": "json", "pointer": "/ts", "format": "epoch_ms"}}
  ]
}"""
write("config", "minimal", BASE)
write("config", "full", """{
  // comments are allowed
  "pipeline": "payments", "id_format": "composite",
  "kafka": {"brokers": "k1:9093", "group_id": "ops", "properties": {"fetch.wait.max.ms": 50, "enable.auto.commit": false}},
  "stages": [
    {"name": "incoming", "topics": ["pay.in", "pay.in.retry"], "id": {"from": "key"}, "time": {"from": "composite_id"}},
    {"name": "scored", "topics": ["pay.scored"], "id": {"from": "header", "name": "record-id"},
     "time": {"from": "json", "pointer": "/meta/ts", "format": "rfc3339"}},
    {"name": "processed", "topics": ["pay.out"], "id": {"from": "json", "pointer": "/a~1b/~0c"}, "time": {"from": "kafka"}}
  ],
  "window": "2h", "sla": 90, "grace": "1.5s", "max_open_records": 5000, "dedup_horizon": "1d",
  "max_clock_skew": "2m", "blind_after": "5s", "behind_threshold": "30s"
}""")
write("config", "secret-env", BASE.replace('"security.protocol": "SASL_SSL"', '"sasl.password": {"env": "SLATRACK_FUZZ_UNSET"}'))
write("config", "limits", BASE.replace('"stages"', '"window": "7d", "max_open_records": 16, "sla": "6d23h", "stages"'))
write("config", "over-limits", BASE.replace('"stages"', '"window": "8d", "max_open_records": 15, "stages"'))
write("config", "syntax-error", '{"pipeline": "x", "kafka": {"brokers": }')

# --- record_extractor ---------------------------------------------------------------
# byte composite | id kind (0 key, 1 json + pointer index, 2 header) |
# time kind (0 kafka, 1 json + pointer + format, 2 composite id) | limits |
# timestamp mode (0 none, 1 now, else + int64) | header count + (name, len, value)* |
# key len + key | value (rest)
NOW = 1764547200000


def extractor(composite, id_kind, time_kind, value, key=b"", headers=(), timestamp=1):
    data = bytes([composite])
    data += bytes([id_kind[0]]) + (bytes([id_kind[1]]) if id_kind[0] == 1 else b"")
    data += bytes([time_kind[0]]) + (bytes(time_kind[1:]) if time_kind[0] == 1 else b"")
    data += bytes([1])  # default limits
    data += bytes([timestamp]) + (struct.pack("<q", NOW - 5000) if timestamp % 4 >= 2 else b"")
    data += bytes([len(headers)])
    for name_idx, header_value in headers:
        data += bytes([name_idx, len(header_value)]) + header_value
    data += bytes([len(key)]) + key
    return data + value


write("record_extractor", "opaque-json-epoch-ms", extractor(0, (1, 0), (1, 0, 1), b'{"id":"A-17","ts":%d}' % (NOW - 1000)))
write("record_extractor", "opaque-nested-rfc3339", extractor(0, (1, 1), (1, 1, 3), b'{"order":{"id":"A-17"},"meta":{"ts":"2025-11-30T23:59:50.250Z"}}'))
write("record_extractor", "opaque-key-kafka-time", extractor(0, (0,), (0,), b"", key=b"order-1001", timestamp=2))
write("record_extractor", "header-id", extractor(0, (2,), (0,), b"{}", headers=((0, b"rid-77"),)))
write("record_extractor", "composite-key-composite-time", extractor(1, (0,), (2,), b"", key=b"692cda00fc3540a0"))
write("record_extractor", "composite-json-epoch-s", extractor(1, (1, 0), (1, 0, 0), b'{"id":"0x692cda00fc3540a0","ts":1764547190}'))
write("record_extractor", "not-json", extractor(0, (1, 0), (1, 0, 1), b'{"id": "x", "ts": '))
write("record_extractor", "future-time", extractor(0, (1, 0), (1, 0, 1), b'{"id":"A","ts":%d}' % (NOW + 48 * 3600 * 1000)))

# --- engine ---------------------------------------------------------------------------
# config: stages-2, sla s-1, window factor-2, grace 500ms-1, cap-16, horizon
# (0: = window, else 1 + seconds-1), sweep (0: every call), clock skew
# (0: 1 s, 1: 5 min, 2: 1 h), composite flag,
# scope (0: set + seconds), then calls. Event batch: op < 9, count-1, then
# per event id, stage, time mode (< 12: now + int8 * 250 ms), partition.
# Advance: op 9..11, kind (< 5: + byte * 100 ms), force.

def engine_config(stages=2, sla=4, window=2, grace=3, cap=0, horizon=(1, 59), sweep=0, skew=1, composite=0, scope=(1,)):
    data = bytes([stages - 2, sla, window, grace, cap])
    data += bytes([horizon[0]]) + (bytes([horizon[1]]) if horizon[0] % 4 != 0 else b"")
    data += bytes([sweep, skew, composite, scope[0]]) + (bytes([scope[1]]) if scope[0] % 4 == 0 else b"")
    return data


def event(id_idx, stage, delta=0):
    return bytes([id_idx, stage, 0, delta & 0xff, 0])


def batch(*events):
    return bytes([0, len(events) - 1]) + b"".join(events)


def advance(steps, force=1):
    return bytes([9, 0, steps, force])


matched = b"".join(batch(event(i, 0), event(i, 1, 8)) for i in range(6)) + advance(50)
write("engine", "matched-pairs", engine_config() + matched)
write("engine", "matched-composite", engine_config(composite=1) + matched)
stuck = b"".join(batch(event(i, 0)) for i in range(8)) + advance(255) + advance(255) + advance(255)
write("engine", "stuck-then-lost", engine_config() + stuck + bytes([15, 2]))
early = b"".join(batch(event(i, 1)) for i in range(6)) + advance(100) + b"".join(batch(event(i, 0)) for i in range(3)) + advance(200)
write("engine", "early-and-orphans", engine_config(stages=3) + early)
overflow = b"".join(batch(event(i, 0)) for i in range(24)) + advance(10)
write("engine", "overflow", engine_config(cap=0) + overflow + bytes([14]))
dups = b"".join(batch(event(1, 0), event(1, 0), event(1, 1), event(1, 1), event(1, 0)) for _ in range(3)) + advance(20)
write("engine", "duplicates", engine_config(stages=4) + dups)
future = batch(bytes([2, 1, 13, 0])) + b"".join(batch(event(i, 0)) for i in range(4)) + advance(10)
write("engine", "future-processed", engine_config() + future)
skew_edge = batch(bytes([3, 0, 16, 0])) + batch(bytes([4, 0, 17, 0])) + batch(event(3, 1, 4)) + advance(10)
write("engine", "skew-boundary", engine_config() + skew_edge)
held = batch(event(5, 0), event(5, 3, 4)) + advance(5) + batch(event(5, 1, 2)) + advance(200) + batch(event(5, 2, 3)) + advance(50)
write("engine", "late-hops", engine_config(stages=4) + held)
