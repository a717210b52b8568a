/*
 * cabench: the C side of internal/epics/ca's benchmarks. It times, with
 * EPICS base's own client library, what the Go benchmarks time:
 *
 *   cabench get N PV      N sequential gets (ca_array_get + ca_pend_io)
 *   cabench put N PV      N sequential puts with callback, each awaited
 *
 * It prints the seconds the loop took (connection not included).
 * Environment as for caget. (The monitor benchmark runs camonitor
 * itself.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cadef.h>
#include <epicsEvent.h>
#include <epicsTime.h>

static epicsEventId done;

static void put_done(struct event_handler_args args)
{
    if (args.status != ECA_NORMAL)
        fprintf(stderr, "put callback: %s\n", ca_message(args.status));
    epicsEventMustTrigger(done);
}

int main(int argc, char **argv)
{
    chid ch;
    long i, n;
    double v = 0, seconds;
    epicsTimeStamp t0, t1;

    if (argc != 4) {
        fprintf(stderr, "usage: cabench get|put N PV\n");
        return 2;
    }
    n = atol(argv[2]);
    done = epicsEventMustCreate(epicsEventEmpty);
    SEVCHK(ca_context_create(ca_enable_preemptive_callback), "context");
    SEVCHK(ca_create_channel(argv[3], NULL, NULL, 0, &ch), "create");
    if (ca_pend_io(5.0) != ECA_NORMAL) {
        fprintf(stderr, "%s: not found\n", argv[3]);
        return 1;
    }
    epicsTimeGetCurrent(&t0);
    if (strcmp(argv[1], "get") == 0) {
        for (i = 0; i < n; i++) {
            ca_array_get(DBR_DOUBLE, 1, ch, &v);
            if (ca_pend_io(5.0) != ECA_NORMAL)
                return 1;
        }
    } else if (strcmp(argv[1], "put") == 0) {
        for (i = 0; i < n; i++) {
            v = (double) i;
            ca_array_put_callback(DBR_DOUBLE, 1, ch, &v, put_done, NULL);
            ca_flush_io();
            epicsEventMustWait(done);
        }
    } else {
        fprintf(stderr, "usage: cabench get|put N PV\n");
        return 2;
    }
    epicsTimeGetCurrent(&t1);
    seconds = epicsTimeDiffInSeconds(&t1, &t0);
    printf("%.6f\n", seconds);
    ca_context_destroy();
    return 0;
}
