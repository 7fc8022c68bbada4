-- wrk script for Benchmarks/scrape.sh: GET /route/N/CODE for every N in 0..ROUTES-1 and every
-- CODE in STATUSES (the demo app answers with status CODE under route label /route/N), cycling
-- over all ROUTES × STATUSES paths.
--
--   wrk -t1 -c32 -d10s -s Benchmarks/scrape-routes.lua http://127.0.0.1:PORT -- ROUTES "STATUS ..." [CLOSE_EVERY]
--
-- The k-th request of a thread takes path (k + floor(k / P)) mod P of the P paths: one step back
-- every P requests, so that even connections answered in lockstep (connection c getting every
-- C-th request) see every path over time, not only those ≡ c mod gcd(C, P).
-- CLOSE_EVERY > 0 sends every CLOSE_EVERY-th request with "Connection: close": wrk then
-- reconnects, and the new connection may land on another worker, so that every worker sees
-- every path while populating. 0 (the default) keeps the connections open.

local paths = {}
local closing = {}
local close_every = 0
local k = 0

function init(args)
    local routes = tonumber(args[1] or "200")
    local statuses = {}
    for code in string.gmatch(args[2] or "200 201 404 500 503", "%d+") do
        statuses[#statuses + 1] = code
    end
    close_every = tonumber(args[3] or "0")
    for n = 0, routes - 1 do
        for _, code in ipairs(statuses) do
            local path = "/route/" .. n .. "/" .. code
            paths[#paths + 1] = wrk.format("GET", path)
            closing[#closing + 1] = wrk.format("GET", path, { ["Connection"] = "close" })
        end
    end
end

function request()
    local count = #paths
    local i = (k + math.floor(k / count)) % count + 1
    k = k + 1
    if close_every > 0 and k % close_every == 0 then
        return closing[i]
    end
    return paths[i]
end
