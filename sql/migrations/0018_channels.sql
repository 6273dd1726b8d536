-- 0018_channels: the transactional outbox, webhook subscriptions and their deliveries, and the 12345
-- platform link (domain/outbox.h, domain/webhook.h, domain/cases/hotline_link.h).
-- Times are Unix ms UTC; paths are materialised unit paths ('/1/7/93/').

-- outbox: one row per domain event, written in the transaction of the change it reports (a case step appends
-- its case_event and its outbox row together).  fanned_at: when the delivery worker made the deliveries of
-- every subscription that matched (NULL until then).
CREATE TABLE outbox (
    id @ID@,
    event_type TEXT NOT NULL,             -- case.created, case.dispatch, case.rate … (docs/api.md "Webhooks")
    unit_path @CTEXT@,                    -- the case's location unit: subscriptions filter on this subtree
    line_id BIGINT,                       -- set when the 12345 platform of this hotline line is told of it
    payload TEXT NOT NULL,                -- the JSON body the subscribers receive
    created_at BIGINT NOT NULL,
    fanned_at BIGINT
);
CREATE INDEX outbox_unfanned ON outbox (id) WHERE fanned_at IS NULL;

-- webhook_subscription: an endpoint that receives the outbox events of some types within a unit subtree.
-- kind 'hotline': the callback URL of a 12345 platform (line_id set), made by PUT /hotline-lines/{id}/link.
CREATE TABLE webhook_subscription (
    id @ID@,
    kind TEXT NOT NULL DEFAULT 'webhook' CHECK (kind IN ('webhook', 'hotline')),
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    secret_enc TEXT NOT NULL,             -- the signing secret, encrypted with the key file (pii_enc)
    event_types TEXT NOT NULL,            -- comma-separated: 'case.created,case.dispatch', 'case.*' or '*'
    unit_id BIGINT REFERENCES unit (id),  -- the subtree; NULL = everywhere
    unit_path @CTEXT@,
    line_id BIGINT REFERENCES hotline_line (id),
    active INTEGER NOT NULL DEFAULT 1,
    created_by BIGINT REFERENCES account (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX webhook_subscription_line ON webhook_subscription (line_id) WHERE line_id IS NOT NULL;

-- webhook_delivery: one outbox event to one subscription.  pending until a 2xx (delivered) or max attempts
-- (dead).  A node claims a due row by setting lease_until (PostgreSQL: FOR UPDATE SKIP LOCKED); a node that
-- dies mid-delivery leaves the lease to expire and the row is tried again: at least once, never lost.
CREATE TABLE webhook_delivery (
    id @ID@,
    subscription_id BIGINT NOT NULL REFERENCES webhook_subscription (id),
    outbox_id BIGINT NOT NULL REFERENCES outbox (id),
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at BIGINT NOT NULL,
    lease_until BIGINT,
    last_status INTEGER,                  -- the HTTP status of the last try (0: no answer)
    last_error TEXT,
    last_at BIGINT,
    delivered_at BIGINT,
    created_at BIGINT NOT NULL,
    UNIQUE (subscription_id, outbox_id)
);
CREATE INDEX webhook_delivery_due ON webhook_delivery (next_at) WHERE state = 'pending';
CREATE INDEX webhook_delivery_sub ON webhook_delivery (subscription_id, id);

-- hotline_link: a 12345 platform pushing work orders for a line: the secret it signs with (encrypted).  Its
-- callbacks are the line's webhook_subscription (kind 'hotline').
CREATE TABLE hotline_link (
    line_id BIGINT PRIMARY KEY REFERENCES hotline_line (id),
    secret_enc TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    updated_at BIGINT NOT NULL
);

-- a pushed work order is recognised by its line and external number: a duplicate push finds its case
DROP INDEX case_item_line;
CREATE UNIQUE INDEX case_item_line ON case_item (line_id, external_no) WHERE external_no IS NOT NULL;

-- Video alarms (domain/video.h).  video_source: a camera platform (雪亮工程) that signs its alarms with its
-- own secret (encrypted).  camera: a camera of a source, its place (an alarm's case is routed by this point).
CREATE TABLE video_source (
    id @ID@,
    name TEXT NOT NULL,
    secret_enc TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE camera (
    id @ID@,
    source_id BIGINT NOT NULL REFERENCES video_source (id),
    external_id TEXT NOT NULL,            -- the platform's camera id (国标编码 …)
    name TEXT NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (source_id, external_id)
);

-- video_alarm_type: the category an alarm type opens its case under (one mapping for every source).
CREATE TABLE video_alarm_type (
    alarm_type TEXT PRIMARY KEY,          -- the platform's code: 'garbage_overflow', 'illegal_parking' …
    category_id BIGINT NOT NULL REFERENCES category (id),
    updated_at BIGINT NOT NULL
);

-- video_nonce: the nonces seen within the signature window (a replay is refused); housekeeping purges
-- the ones older than twice the window.
CREATE TABLE video_nonce (
    source_id BIGINT NOT NULL,
    nonce TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (source_id, nonce)
);
CREATE INDEX video_nonce_age ON video_nonce (created_at);

-- video_case: the case an alarm of (camera, type) opened and how many alarms it has gathered; an alarm
-- within video_dedup_minutes of last_at of an open case adds to it instead of opening another.
CREATE TABLE video_case (
    case_id BIGINT PRIMARY KEY REFERENCES case_item (id),
    camera_id BIGINT NOT NULL REFERENCES camera (id),
    alarm_type TEXT NOT NULL,
    alarm_count INTEGER NOT NULL DEFAULT 1,
    first_at BIGINT NOT NULL,
    last_at BIGINT NOT NULL,
    last_attachment_id BIGINT REFERENCES attachment (id)
);
CREATE INDEX video_case_camera ON video_case (camera_id, alarm_type, last_at);
