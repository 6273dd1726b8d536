-- bench/create.lua — wrk script for bench/run.sh: durable creation through the API.  Every request is a
-- POST of a JSON body with its own Idempotency-Key (so it is the full write path: key claim, validation,
-- the rows, the audit row, one commit), keep-alive.
--   wrk ... -s bench/create.lua URL -- PATH BODY
-- PATH: e.g. /api/v1/cases; BODY: a JSON template where every "%d" becomes the request's serial.
local path, body
local serial = 0

function setup(thread)
    thread:set("tag", tostring(math.random(1, 1000000000)))
end

function init(args)
    path = args[1]
    body = args[2]
end

function request()
    serial = serial + 1
    local b = string.gsub(body, "%%d", tag .. "-" .. serial)
    local h = {}
    for k, v in pairs(wrk.headers) do h[k] = v end -- the -H headers (Authorization)
    h["Content-Type"] = "application/json"
    h["Idempotency-Key"] = "wrk-" .. tag .. "-" .. serial
    return wrk.format("POST", path, h, b)
end

local shown = false
function response(status, headers, b)
    if status >= 300 and not shown then
        shown = true
        io.stderr:write("bench/create.lua: " .. status .. " " .. b .. "\n")
    end
end
