/* cmd_workflow.c — `gridgov workflow --markdown`: print the case loop's transition table (domain/cases/
 * workflow.c) as the markdown table docs/cases.md holds between its workflow-table markers. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/cases/workflow.h"

int gg_cmd_workflow(int argc, char **argv)
{
    if (argc != 3 || strcmp(argv[2], "--markdown") != 0) {
        fprintf(stderr, "usage: gridgov workflow --markdown\n");
        return 2;
    }
    static char buf[32768];
    int n = gg_wf_markdown(buf, sizeof buf);
    if (n < 0) {
        fprintf(stderr, "gridgov: the workflow table does not fit the buffer\n");
        return 1;
    }
    fwrite(buf, 1, (size_t)n, stdout);
    return 0;
}
