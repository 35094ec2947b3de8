"""The atomic commit: output XADD + dedup key + event clusters + XACK in one Lua script.

Redis runs a script without interleaving other commands, so a crash before the
call leaves the input pending (it will be retried) and a crash after it leaves
nothing to redo: no loss, no second publication. The script XACKs first and
publishes only if that XACK removed the entry from the group's pending list, so
an entry that another replica already committed is never published twice.
Event clustering happens in the same script, so two replicas reporting one
event at once cannot both create it.

Values only the script knows (the events' cluster keys, the earlier output a
reprocessing replaces) go into the output by construction: Python sends the
serialized output as fragments around named slots, and the script joins the
fragments with the JSON encoding of each slot's value. No text of the article
is ever searched or replaced, so no input can reach the mechanism.

Redis Cluster: every key the script touches is in KEYS or, for the per-event
keys named after a cluster key computed inside the script, built from the
event prefix passed in KEYS; all of them carry the same hash tag (service.names),
so they live in one slot.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster

from service import names

# KEYS: input, output, dlq, events, event prefix, then the keys named by items (dedup keys, event groups)
# ARGV: group, dedup_ttl, maxlen, n, articles_cap, then per item:
#       kind, entry_id, dedup key index in KEYS (0: none), article_id, spec (JSON: url, source, now,
#       events[] with their group key index), slots (comma-separated slot names), nparts, parts...
_SCRIPT = """
local group, ttl, maxlen, n = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local cap = tonumber(ARGV[5])
local prefix = KEYS[5]
local results = {}

local function xadd(stream, payload)
  if maxlen > 0 then
    return redis.call('XADD', stream, 'MAXLEN', '~', maxlen, '*', 'data', payload)
  end
  return redis.call('XADD', stream, '*', 'data', payload)
end

local function split(value)
  local sep = string.find(value, '|', 1, true)
  return string.sub(value, 1, sep - 1), string.sub(value, sep + 1)
end

-- dates agree at the coarser precision; a missing date or place agrees with anything
local function compatible(stored, date, place)
  local d, p = split(stored)
  if d ~= '' and date ~= '' then
    local len = math.min(#d, #date)
    if string.sub(d, 1, len) ~= string.sub(date, 1, len) then return false end
  end
  return p == '' or place == '' or p == place
end

local function choose(ev, gkey)
  local clusters = redis.call('HGETALL', gkey)
  local chosen, chosen_date = nil, nil
  for i = 1, #clusters, 2 do
    local key, stored = clusters[i], clusters[i + 1]
    if compatible(stored, ev.date, ev.place) then
      local d = split(stored)
      -- an exact date match wins; otherwise the earliest compatible cluster, for a stable choice
      if d == ev.date then return key, stored end
      if chosen == nil or d < chosen_date then chosen, chosen_date = key, d end
    end
  end
  if chosen then return chosen, redis.call('HGET', gkey, chosen) end
  if redis.call('HEXISTS', gkey, ev.base) == 0 then return ev.base, nil end
  if redis.call('HEXISTS', gkey, ev.exact) == 0 then return ev.exact, nil end
  return ev.exact .. '-' .. redis.call('HLEN', gkey), nil
end

local function cluster(ev, spec)
  local gkey = KEYS[ev.group_key]
  local key, stored = choose(ev, gkey)
  local known_date, known_place = '', ''
  if stored then known_date, known_place = split(stored) end
  local date, place = known_date, known_place
  if #ev.date > #known_date then date = ev.date end
  if place == '' then place = ev.place end
  redis.call('HSET', gkey, key, date .. '|' .. place)
  redis.call('EXPIRE', gkey, ttl)
  -- same hash tag as the prefix in KEYS, hence the same slot
  local seen = prefix .. 'a:' .. key
  -- an article already counted (a reprocessing) adds no mention
  if redis.call('SADD', seen, spec.article_id) == 0 then return key end
  redis.call('EXPIRE', seen, ttl)
  local rkey = prefix .. 'r:' .. key
  local raw = redis.call('GET', rkey)
  local rec
  if raw then
    rec = cjson.decode(raw)
  else
    rec = ev.record
    rec.contract_version = '1'
    rec.event_key = key
    rec.first_seen = spec.now
    rec.mentions = 0
    rec.articles_total = 0
    rec.sources = {}
    rec.articles = {}
  end
  rec.mentions = rec.mentions + 1
  rec.articles_total = rec.articles_total + 1
  rec.last_seen = spec.now
  if #rec.articles < cap then
    table.insert(rec.articles, {article_id = spec.article_id, url = spec.url})
  end
  local known = false
  for _, s in ipairs(rec.sources) do if s == spec.source then known = true end end
  if not known then table.insert(rec.sources, spec.source) end
  if ev.record.date ~= cjson.null and (rec.date == cjson.null or #ev.date > #rec.date.value) then
    rec.date = ev.record.date
  end
  if rec.location == cjson.null then rec.location = ev.record.location end
  local encoded = cjson.encode(rec)
  redis.call('SET', rkey, encoded, 'EX', ttl)
  xadd(KEYS[4], encoded)
  return key
end

-- the earlier output recorded in the dedup value 'article_id input_entry_id [output_entry_id]'
local function earlier(first)
  if not first then return cjson.null end
  local words = {}
  for w in string.gmatch(first, '%S+') do words[#words + 1] = w end
  return {input_entry_id = words[2] or cjson.null, output_entry_id = words[3] or cjson.null}
end

local function join(parts, slots, values)
  local out = {}
  for i, part in ipairs(parts) do
    out[#out + 1] = part
    if slots[i] then out[#out + 1] = cjson.encode(values[slots[i]]) end
  end
  return table.concat(out)
end

local pos = 6
for _ = 1, n do
  local kind, entry_id, dedup_index = ARGV[pos], ARGV[pos + 1], tonumber(ARGV[pos + 2])
  local article_id, spec_raw, slots_raw = ARGV[pos + 3], ARGV[pos + 4], ARGV[pos + 5]
  local nparts = tonumber(ARGV[pos + 6])
  local parts = {}
  for j = 1, nparts do parts[j] = ARGV[pos + 6 + j] end
  pos = pos + 7 + nparts
  local acked = redis.call('XACK', KEYS[1], group, entry_id)
  if kind == 'lost' then
    -- XAUTOCLAIM already dropped it from the pending list and hands each deleted id to one caller only
    xadd(KEYS[3], parts[1])
    results[#results + 1] = 'lost'
  elseif acked == 0 then
    results[#results + 1] = 'stale'
  elseif kind == 'dlq' then
    xadd(KEYS[3], parts[1])
    results[#results + 1] = 'dlq'
  elseif kind == 'dup' then
    results[#results + 1] = 'dup'
  else
    local dedup_key = KEYS[dedup_index]
    local first = redis.call('GET', dedup_key)
    if first and kind == 'out' then
      results[#results + 1] = 'dup:' .. first
    else
      local slots = {}
      for s in string.gmatch(slots_raw, '[^,]+') do slots[#slots + 1] = s end
      local values = {}
      if kind == 're' then values.rf = earlier(first) end
      if spec_raw ~= '' then
        local spec = cjson.decode(spec_raw)
        spec.article_id = article_id
        for i, ev in ipairs(spec.events) do values['e' .. i] = cluster(ev, spec) end
      end
      local out_id = xadd(KEYS[2], join(parts, slots, values))
      redis.call('SET', dedup_key, article_id .. ' ' .. entry_id .. ' ' .. out_id, 'EX', ttl)
      results[#results + 1] = kind == 're' and 're' or 'ok'
    end
  end
end
return results
"""

# out: publish unless the content was seen; re: publish anyway (reprocessing), replacing the dedup record;
# dup: ack only; dlq: dead letter; lost: trimmed away while pending, dead-lettered as such.
Kind = Literal["out", "re", "dup", "dlq", "lost"]
# Article ids listed per event record; articles_total keeps the full count.
ARTICLES_CAP = 50


@dataclass(frozen=True)
class Slotted:
    """A serialized JSON document cut at its slots: parts[i] is followed by slot slots[i] (if any)."""

    parts: list[str]
    slots: list[str]

    def filled(self, values: dict[str, Any]) -> str:
        """What the script produces, for tests and for checking a document by hand."""
        out: list[str] = []
        for i, part in enumerate(self.parts):
            out.append(part)
            if i < len(self.slots):
                out.append(json.dumps(values[self.slots[i]], ensure_ascii=False))
        return "".join(out)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def slotted(doc: dict[str, Any], slots: dict[tuple[str, ...], str]) -> Slotted:
    """Serialize doc, leaving a slot wherever `slots` names a path (keys, list indexes as str) to a value.

    Each value is serialized by json.dumps on its own, so slot boundaries are known by construction."""
    parts: list[str] = []
    names_: list[str] = []
    current: list[str] = []

    def walk(value: Any, path: tuple[str, ...]) -> None:
        if path in slots:
            parts.append("".join(current))
            current.clear()
            names_.append(slots[path])
        elif isinstance(value, dict):
            current.append("{")
            for n, (k, v) in enumerate(value.items()):
                current.append(("," if n else "") + _dumps(str(k)) + ":")
                walk(v, (*path, str(k)))
            current.append("}")
        elif isinstance(value, list):
            current.append("[")
            for n, v in enumerate(value):
                current.append("," if n else "")
                walk(v, (*path, str(n)))
            current.append("]")
        else:
            current.append(_dumps(value))

    walk(doc, ())
    parts.append("".join(current))
    return Slotted(parts, names_)


@dataclass(frozen=True)
class CommitItem:
    kind: Kind
    entry_id: str
    payload: str = ""  # dlq and lost: the dead letter
    document: Slotted | None = None  # out and re: the output, with slots e1..en (event keys) and rf
    dedup_key: str = ""
    article_id: str = ""
    spec: dict[str, Any] = field(default_factory=dict)  # url, source, now, events: cluster specs


class Committer:
    def __init__(self, redis: Redis | RedisCluster, *, input_stream: str, output_stream: str, dlq_stream: str,
                 events_stream: str, group: str, dedup_ttl: int, maxlen: int,
                 event_prefix: str = names.EVENT_PREFIX) -> None:
        self._redis = redis
        self._script = redis.register_script(_SCRIPT)
        self._keys = [input_stream, output_stream, dlq_stream, events_stream, event_prefix]
        self._head = [group, dedup_ttl, maxlen]

    async def commit(self, items: list[CommitItem]) -> list[str]:
        """Commit a batch; per item 'ok', 're', 'dup:<article_id> <entry_id> <output_id>', 'dup', 'dlq',
        'lost' or 'stale'."""
        if not items:
            return []
        keys = list(self._keys)

        def key_index(key: str) -> int:
            if key not in keys:
                keys.append(key)
            return keys.index(key) + 1  # Lua arrays start at 1

        args: list[Any] = [*self._head, len(items), ARTICLES_CAP]
        for item in items:
            spec = ""
            if item.spec.get("events"):
                events = [{k: v for k, v in ev.items() if k != "group"} | {"group_key": key_index(ev["group"])}
                          for ev in item.spec["events"]]
                spec = json.dumps(item.spec | {"events": events}, ensure_ascii=False)
            if item.document is not None:
                parts, slots = item.document.parts, item.document.slots
            else:
                parts, slots = [item.payload], []
            dedup_index = key_index(item.dedup_key) if item.dedup_key else 0
            args += [item.kind, item.entry_id, dedup_index, item.article_id, spec, ",".join(slots),
                     len(parts), *parts]
        raw = await self._script(keys=keys, args=args)
        return [r.decode() if isinstance(r, bytes) else str(r) for r in raw]
