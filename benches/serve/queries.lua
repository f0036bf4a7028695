-- wrk script: each request takes the next search from a fixed list, the same query texts
-- the CLI peer in run.sh runs, so every concurrency level and the peer see the same mix.
local queries = {
  "minister", "troops+border", "%22central+bank%22", "election+OR+parliament",
  "ceasefire", "harvest+prices", "sanctions", "protest~",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/api/search?q=" .. queries[(i % #queries) + 1])
end
