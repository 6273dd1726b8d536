-- bench/locate.lua — wrk script for bench/run.sh: GET /api/v1/locate at random points inside the 1,000
-- bench grids (the 0.2° x 0.1° lattice of bench/locate.c, which has no gaps: every answer is a 200).
local lng0, lat0, w, h = 114.90, 30.15, 0.20, 0.10

function setup(thread)
    thread:set("seed", math.random(1, 1000000))
end

function init(args)
    math.randomseed(seed or os.time())
end

function request()
    local lng = lng0 + 0.0001 + math.random() * (w - 0.0002)
    local lat = lat0 + 0.0001 + math.random() * (h - 0.0002)
    return wrk.format("GET", string.format("/api/v1/locate?lat=%.6f&lng=%.6f", lat, lng))
end
