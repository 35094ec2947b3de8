"""The atomic commit: output XADD + dedup key + XACK in one Lua script.

Redis runs a script without interleaving other commands, so a crash before the
call leaves the input pending (it will be retried) and a crash after it leaves
nothing to redo: no loss, no second publication. The script XACKs first and
publishes only if that XACK removed the entry from the group's pending list, so
an entry that another replica already committed is never published twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from redis.asyncio import Redis

from service import names

# KEYS: input, output, dlq, events
# ARGV: group, dedup_ttl, maxlen, n, then per item: kind, entry_id, dedup_key, payload, article_id, events_payload
_SCRIPT = """
local group, ttl, maxlen, n = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local results = {}
local function xadd(stream, payload)
  if maxlen > 0 then
    return redis.call('XADD', stream, 'MAXLEN', '~', maxlen, '*', 'data', payload)
  end
  return redis.call('XADD', stream, '*', 'data', payload)
end
for i = 0, n - 1 do
  local base = 5 + i * 6
  local kind, entry_id, dedup_key = ARGV[base], ARGV[base + 1], ARGV[base + 2]
  local payload, article_id, events = ARGV[base + 3], ARGV[base + 4], ARGV[base + 5]
  local acked = redis.call('XACK', KEYS[1], group, entry_id)
  if acked == 0 then
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
      xadd(KEYS[2], payload)
      if events ~= '' then
        for _, event in ipairs(cjson.decode(events)) do xadd(KEYS[4], event) end
      end
      results[#results + 1] = 'ok'
    end
  end
end
return results
"""

Kind = Literal["out", "dup", "dlq"]


@dataclass(frozen=True)
class CommitItem:
    kind: Kind
    entry_id: str
    payload: str = ""
    dedup_key: str = ""
    article_id: str = ""
    events: str = ""  # JSON list of event-record payloads (strings), published with the output


class Committer:
    def __init__(self, redis: Redis, *, input_stream: str, output_stream: str, dlq_stream: str,
                 events_stream: str, group: str, dedup_ttl: int, maxlen: int) -> None:
        self._redis = redis
        self._script = redis.register_script(_SCRIPT)
        self._keys = [input_stream, output_stream, dlq_stream, events_stream]
        self._head = [group, dedup_ttl, maxlen]

    async def commit(self, items: list[CommitItem]) -> list[str]:
        """Commit a batch; returns per item 'ok', 'dup:<article_id> <entry_id>', 'dup', 'dlq' or 'stale'."""
        if not items:
            return []
        args: list[Any] = [*self._head, len(items)]
        for item in items:
            args += [item.kind, item.entry_id, item.dedup_key or names.DEDUP_PREFIX, item.payload,
                     item.article_id, item.events]
        raw = await self._script(keys=self._keys, args=args)
        return [r.decode() if isinstance(r, bytes) else str(r) for r in raw]
