/* proxy.c — trusted proxies and X-Forwarded-For (see proxy.h). */
#include "http/proxy.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static int parse_addr(const char *s, int *family, uint8_t addr[16])
{
    memset(addr, 0, 16);
    if (inet_pton(AF_INET, s, addr) == 1) {
        *family = AF_INET;
        return 0;
    }
    if (inet_pton(AF_INET6, s, addr) == 1) {
        *family = AF_INET6;
        return 0;
    }
    return -1;
}

int gg_netlist_parse(gg_netlist_t *list, const char *text, const char *key, gg_error_t *err)
{
    memset(list, 0, sizeof *list);
    const char *p = text ? text : "";
    while (*p) {
        while (*p == ' ' || *p == ',' || *p == '\t')
            p++;
        if (!*p) break;
        size_t n = strcspn(p, ", \t");
        char entry[64];
        if (n >= sizeof entry)
            return gg_err_invalid(err, key, "%s: \"%.40s…\" is not an address or CIDR range", key, p);
        memcpy(entry, p, n);
        entry[n] = 0;
        p += n;
        if (list->n == GG_NETLIST_MAX)
            return gg_err_invalid(err, key, "%s: at most %d entries", key, GG_NETLIST_MAX);
        gg_net_t *net = &list->nets[list->n];
        char *slash = strchr(entry, '/');
        if (slash) *slash = 0;
        if (parse_addr(entry, &net->family, net->addr) < 0) {
            if (slash) *slash = '/';
            return gg_err_invalid(err, key, "%s: \"%s\" is not an IP address or CIDR range (e.g. 10.0.0.0/8)",
                                  key, entry);
        }
        int max = net->family == AF_INET ? 32 : 128;
        net->prefix = max;
        if (slash) {
            char *end;
            long bits = strtol(slash + 1, &end, 10);
            if (!slash[1] || *end || bits < 0 || bits > max) {
                *slash = '/';
                return gg_err_invalid(err, key, "%s: \"%s\" has a bad prefix length (0 to %d)", key, entry,
                                      max);
            }
            net->prefix = (int)bits;
        }
        list->n++;
    }
    return 0;
}

static int in_net(const gg_net_t *net, int family, const uint8_t addr[16])
{
    if (net->family != family) return 0;
    int full = net->prefix / 8, rest = net->prefix % 8;
    if (memcmp(net->addr, addr, (size_t)full) != 0) return 0;
    if (rest == 0) return 1;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (net->addr[full] & mask) == (addr[full] & mask);
}

int gg_netlist_contains(const gg_netlist_t *list, const char *ip)
{
    if (!list || !list->n || !ip) return 0;
    int family;
    uint8_t addr[16];
    if (parse_addr(ip, &family, addr) < 0) return 0;
    for (int i = 0; i < list->n; i++)
        if (in_net(&list->nets[i], family, addr)) return 1;
    return 0;
}

void gg_forwarded_client(const gg_netlist_t *trusted, const char *peer, const char *xff, char *out,
                         size_t outsz)
{
    snprintf(out, outsz, "%s", peer);
    if (!xff || !gg_netlist_contains(trusted, peer)) return;
    /* walk the list from the right: each hop was added by the proxy nearer to us */
    size_t end = strlen(xff);
    while (end > 0) {
        size_t start = end;
        while (start > 0 && xff[start - 1] != ',')
            start--;
        size_t a = start, b = end;
        while (a < b && (xff[a] == ' ' || xff[a] == '\t'))
            a++;
        while (b > a && (xff[b - 1] == ' ' || xff[b - 1] == '\t'))
            b--;
        char hop[64];
        int family;
        uint8_t addr[16];
        if (b - a == 0 || b - a >= sizeof hop) return; /* malformed: keep what we trust */
        memcpy(hop, xff + a, b - a);
        hop[b - a] = 0;
        if (parse_addr(hop, &family, addr) < 0) return;
        char canonical[64];
        inet_ntop(family, addr, canonical, sizeof canonical);
        snprintf(out, outsz, "%s", canonical);
        if (!gg_netlist_contains(trusted, canonical)) return; /* the client */
        end = start > 0 ? start - 1 : 0;
    }
}
