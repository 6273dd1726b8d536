-- bench/search.lua — wrk script for bench/run.sh: exact resident search by ID number
-- (GET /api/v1/residents?id_number=…) over the 1,000 sample ID numbers `gridgov demo
-- --sample-ids` wrote, in random order.  Every answer is a 200 with one resident.
local ids = {}

function init(args)
    for line in io.lines(args[1]) do ids[#ids + 1] = line end
    math.randomseed(os.time())
end

function request()
    return wrk.format("GET", "/api/v1/residents?id_number=" .. ids[math.random(#ids)])
end
