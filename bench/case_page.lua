-- bench/case_page.lua — wrk script for bench/run.sh: a case page as the web app loads it (web/src/views/
-- CaseView.vue), GET /api/v1/cases/{id}?include=events — the case, its tasks, actions and timeline in one
-- answer — for random case ids in the caller's scope (the file of ids bench/run.sh wrote from the
-- 1,000,000-case database).  Every answer is a 200.  (Until issue 9's read work the page was two requests,
-- /cases/{id} then /cases/{id}/events, and the ratio was per request, i.e. per half page.)
local ids = {}

function setup(thread)
    thread:set("seed", math.random(1, 1000000))
end

function init(args)
    for line in io.lines(args[1]) do ids[#ids + 1] = line end
    math.randomseed(seed or os.time())
end

function request()
    return wrk.format("GET", "/api/v1/cases/" .. ids[math.random(#ids)] .. "?include=events")
end
