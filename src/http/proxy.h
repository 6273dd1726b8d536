/*
 * proxy.h — which client sent a request when gridgov sits behind a reverse
 * proxy (nginx, a load balancer).  The peer address of the TCP connection is
 * the proxy's; the client is in X-Forwarded-For, which anybody can write.  So
 * the header is believed only when the peer is a configured trusted proxy
 * (config trusted_proxies: addresses or CIDR ranges), and only as far back as
 * the chain stays within trusted proxies: the client is the rightmost address
 * that is not itself a trusted proxy.  Login throttling, the public QR page's
 * rate limits and the audit log all use this address.
 */
#ifndef GG_HTTP_PROXY_H
#define GG_HTTP_PROXY_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define GG_NETLIST_MAX 32

typedef struct gg_net {
    int family; /* AF_INET or AF_INET6 */
    uint8_t addr[16];
    int prefix; /* bits */
} gg_net_t;

typedef struct gg_netlist {
    int n;
    gg_net_t nets[GG_NETLIST_MAX];
} gg_netlist_t;

/* Parse "127.0.0.1, 10.0.0.0/8, ::1" (empty = none).  On a bad entry returns
 * -400 with field set to key and the entry named. */
int gg_netlist_parse(gg_netlist_t *list, const char *text, const char *key, gg_error_t *err);

/* 1 when ip (text) is inside one of the ranges. */
int gg_netlist_contains(const gg_netlist_t *list, const char *ip);

/* The client of a request from peer with header xff (may be NULL): peer itself
 * unless peer is trusted; then the rightmost X-Forwarded-For entry that is not a
 * trusted proxy, if it is a well-formed address (otherwise peer).  Writes it to out. */
void gg_forwarded_client(const gg_netlist_t *trusted, const char *peer, const char *xff, char *out,
                         size_t outsz);

#endif
