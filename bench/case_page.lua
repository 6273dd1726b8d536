-- bench/case_page.lua — wrk script for bench/run.sh: a case page as the web app loads it, GET
-- /api/v1/cases/{id} then GET /api/v1/cases/{id}/events, for random case ids in the caller's scope (the
-- file of ids bench/run.sh wrote from the 1,000,000-case database).  Every answer is a 200.
local ids = {}
local n = 0
local id

function setup(thread)
    thread:set("seed", math.random(1, 1000000))
end

function init(args)
    for line in io.lines(args[1]) do ids[#ids + 1] = line end
    math.randomseed(seed or os.time())
end

function request()
    n = n + 1
    if n % 2 == 1 then
        id = ids[math.random(#ids)]
        return wrk.format("GET", "/api/v1/cases/" .. id)
    end
    return wrk.format("GET", "/api/v1/cases/" .. id .. "/events")
end
