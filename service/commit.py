"""The atomic commit: output XADD + dedup key + event clusters + XACK in one Lua script.

Redis runs a script without interleaving other commands, so a crash before the
call leaves the input pending (it will be retried) and a crash after it leaves
nothing to redo: no loss, no second publication. The script XACKs first and
publishes only if that XACK removed the entry from the group's pending list, so
an entry that another replica already committed is never published twice.
Event clustering happens in the same script, so two replicas reporting one
event at once cannot both create it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from redis.asyncio import Redis

from service import names

# KEYS: input, output, dlq, events
# ARGV: group, dedup_ttl, maxlen, n, event_prefix, articles_cap, then per item:
#       kind, entry_id, dedup_key, payload, article_id, spec (JSON: url, source, now, events[])
_SCRIPT = """
local group, ttl, maxlen, n = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local prefix, cap = ARGV[5], tonumber(ARGV[6])
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

local function choose(ev)
  local clusters = redis.call('HGETALL', ev.group)
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
  if chosen then return chosen, redis.call('HGET', ev.group, chosen) end
  if redis.call('HEXISTS', ev.group, ev.base) == 0 then return ev.base, nil end
  if redis.call('HEXISTS', ev.group, ev.exact) == 0 then return ev.exact, nil end
  return ev.exact .. '-' .. redis.call('HLEN', ev.group), nil
end

local function cluster(ev, spec)
  local key, stored = choose(ev)
  local known_date, known_place = '', ''
  if stored then known_date, known_place = split(stored) end
  local date, place = known_date, known_place
  if #ev.date > #known_date then date = ev.date end
  if place == '' then place = ev.place end
  redis.call('HSET', ev.group, key, date .. '|' .. place)
  redis.call('EXPIRE', ev.group, ttl)
  local seen = prefix .. 'a:' .. key
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

for i = 0, n - 1 do
  local base = 7 + i * 6
  local kind, entry_id, dedup_key = ARGV[base], ARGV[base + 1], ARGV[base + 2]
  local payload, article_id, spec_raw = ARGV[base + 3], ARGV[base + 4], ARGV[base + 5]
  local acked = redis.call('XACK', KEYS[1], group, entry_id)
  if kind == 'lost' then
    -- XAUTOCLAIM already dropped it from the pending list and hands each deleted id to one caller only
    xadd(KEYS[3], payload)
    results[#results + 1] = 'lost'
  elseif acked == 0 then
    results[#results + 1] = 'stale'
  elseif kind == 'dlq' then
    xadd(KEYS[3], payload)
    results[#results + 1] = 'dlq'
  elseif kind == 'dup' then
    results[#results + 1] = 'dup'
  else
    local first = redis.call('GET', dedup_key)
    if first then
      results[#results + 1] = 'dup:' .. first
    else
      redis.call('SET', dedup_key, article_id .. ' ' .. entry_id, 'EX', ttl)
      if spec_raw ~= '' then
        local spec = cjson.decode(spec_raw)
        spec.article_id = article_id
        for _, ev in ipairs(spec.events) do
          local key = cluster(ev, spec)
          payload = string.gsub(payload, ev.placeholder, key, 1)
        end
      end
      xadd(KEYS[2], payload)
      results[#results + 1] = 'ok'
    end
  end
end
return results
"""

Kind = Literal["out", "dup", "dlq", "lost"]  # lost: trimmed away while pending, dead-lettered as such
# Article ids listed per event record; articles_total keeps the full count.
ARTICLES_CAP = 50


@dataclass(frozen=True)
class CommitItem:
    kind: Kind
    entry_id: str
    payload: str = ""
    dedup_key: str = ""
    article_id: str = ""
    spec: dict[str, Any] = field(default_factory=dict)  # url, source, now, events: cluster specs


class Committer:
    def __init__(self, redis: Redis, *, input_stream: str, output_stream: str, dlq_stream: str,
                 events_stream: str, group: str, dedup_ttl: int, maxlen: int) -> None:
        self._redis = redis
        self._script = redis.register_script(_SCRIPT)
        self._keys = [input_stream, output_stream, dlq_stream, events_stream]
        self._head = [group, dedup_ttl, maxlen]

    async def commit(self, items: list[CommitItem]) -> list[str]:
        """Commit a batch; per item 'ok', 'dup:<article_id> <entry_id>', 'dup', 'dlq', 'lost' or 'stale'."""
        if not items:
            return []
        args: list[Any] = [*self._head, len(items), names.EVENT_PREFIX, ARTICLES_CAP]
        for item in items:
            spec = json.dumps(item.spec, ensure_ascii=False) if item.spec.get("events") else ""
            args += [item.kind, item.entry_id, item.dedup_key or names.DEDUP_PREFIX, item.payload,
                     item.article_id, spec]
        raw = await self._script(keys=self._keys, args=args)
        return [r.decode() if isinstance(r, bytes) else str(r) for r in raw]
