/*
 * cabench: the C side of internal/epics/ca's benchmarks. It times, with
 * EPICS base's own client library, what the Go benchmarks time:
 *
 *   cabench get N PV      N sequential gets (ca_array_get + ca_pend_io)
 *   cabench put N PV      N sequential puts with callback, each awaited
 *   cabench monitor N PV  N monitor updates received; prints how many
 *                         were lost (gaps in a counting PV)
 *
 * It prints the seconds the loop took (connection not included), then
 * for monitor the number lost. Environment as for caget.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cadef.h>
#include <epicsEvent.h>
#include <epicsTime.h>

static epicsEventId done;
static long want, got, lost;
static double last = -1;

static void put_done(struct event_handler_args args)
{
    if (args.status != ECA_NORMAL)
        fprintf(stderr, "put callback: %s\n", ca_message(args.status));
    epicsEventMustTrigger(done);
}

static void update(struct event_handler_args args)
{
    double v;
    if (args.status != ECA_NORMAL || got >= want)
        return;
    v = *(const double *) args.dbr;
    if (last >= 0 && v > last + 1)
        lost += (long) (v - last - 1);
    last = v;
    if (++got == want)
        epicsEventMustTrigger(done);
}

int main(int argc, char **argv)
{
    chid ch;
    long i, n;
    double v = 0, seconds;
    epicsTimeStamp t0, t1;

    if (argc != 4) {
        fprintf(stderr, "usage: cabench get|put|monitor N PV\n");
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
        want = n;
        ca_create_subscription(DBR_DOUBLE, 1, ch, DBE_VALUE, update, NULL, NULL);
        ca_flush_io();
        epicsEventMustWait(done);
    }
    epicsTimeGetCurrent(&t1);
    seconds = epicsTimeDiffInSeconds(&t1, &t0);
    printf("%.6f\n", seconds);
    if (strcmp(argv[1], "monitor") == 0)
        printf("%ld\n", lost);
    ca_context_destroy();
    return 0;
}
