/*
 * firstframe: start a program under the X server in $DISPLAY and time, from the outside, when
 * its first frame reaches the screen. Used the same way for our kiosk and for the browser
 * anchor, so neither is asked to report on itself.
 *
 *   firstframe [--settle SECONDS] [--timeout SECONDS] [--interval MS] -- COMMAND [ARGS...]
 *
 * It grabs the root window (XGetImage, the whole screen) as the blank reference, takes the
 * time, forks and execs COMMAND in a session of its own, then grabs the root window every
 * --interval ms (default 4: a pause, so that the grabs leave the two programs the CPU), keeping
 * every distinct frame. Once the screen has not changed for --settle seconds
 * (or --timeout passed) it prints one JSON line on stdout:
 *
 *   pid            the command's process id (the root of the tree to measure)
 *   first_ms       first grab that differs from the blank screen (e.g. a cleared window)
 *   complete_ms    first grab within 0.1 % of pixels of the frame the screen settled on
 *   frames         distinct frames seen; polls, poll_mean_ms, poll_max_ms: the cost of one
 *                  grab; the resolution of both times is poll_mean_ms + the interval
 *
 * Then it stays the command's parent until the command ends (the caller ends it), so nothing
 * is left to be reaped by init. Exit status 0 when a frame was seen, 2 when none was.
 */
#define _GNU_SOURCE
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_FRAMES 48

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

struct frame {
    double at_ms;
    unsigned char *pixels;
};

static size_t differing(const unsigned char *a, const unsigned char *b, size_t n) {
    const unsigned int *x = (const unsigned int *)a, *y = (const unsigned int *)b;
    size_t d = 0;
    for (size_t i = 0; i < n / 4; i++)
        d += (x[i] & 0xffffff) != (y[i] & 0xffffff);
    return d;
}

int main(int argc, char **argv) {
    double settle_s = 3.0, timeout_s = 60.0, interval_ms = 4.0;
    int i = 1;
    for (; i < argc; i++) {
        if (!strcmp(argv[i], "--settle") && i + 1 < argc)
            settle_s = atof(argv[++i]);
        else if (!strcmp(argv[i], "--timeout") && i + 1 < argc)
            timeout_s = atof(argv[++i]);
        else if (!strcmp(argv[i], "--interval") && i + 1 < argc)
            interval_ms = atof(argv[++i]);
        else if (!strcmp(argv[i], "--")) {
            i++;
            break;
        } else {
            fprintf(stderr, "firstframe: unknown argument %s\n", argv[i]);
            return 64;
        }
    }
    if (i >= argc) {
        fprintf(stderr, "usage: firstframe [--settle S] [--timeout S] -- COMMAND [ARGS...]\n");
        return 64;
    }
    Display *dpy = XOpenDisplay(NULL);
    if (!dpy) {
        fprintf(stderr, "firstframe: cannot open display %s\n", getenv("DISPLAY"));
        return 69;
    }
    Window root = DefaultRootWindow(dpy);
    XWindowAttributes wa;
    XGetWindowAttributes(dpy, root, &wa);
    int w = wa.width, h = wa.height;

    XImage *img = XGetImage(dpy, root, 0, 0, w, h, AllPlanes, ZPixmap);
    if (!img || img->bits_per_pixel != 32) {
        fprintf(stderr, "firstframe: needs a 24/32-bit screen\n");
        return 69;
    }
    size_t size = (size_t)img->bytes_per_line * h;
    unsigned char *blank = malloc(size), *prev = malloc(size);
    memcpy(blank, img->data, size);
    memcpy(prev, img->data, size);
    XDestroyImage(img);

    struct frame frames[MAX_FRAMES];
    int nframes = 0;
    fflush(stdout);
    double t0 = now_ms();
    pid_t pid = fork();
    if (pid == 0) {
        setsid();
        execvp(argv[i], &argv[i]);
        perror("firstframe: exec");
        _exit(127);
    }

    long polls = 0;
    double poll_total = 0, poll_max = 0, last_change = t0;
    int exited = 0;
    for (;;) {
        double a = now_ms();
        img = XGetImage(dpy, root, 0, 0, w, h, AllPlanes, ZPixmap);
        double b = now_ms();
        polls++;
        poll_total += b - a;
        if (b - a > poll_max)
            poll_max = b - a;
        if (img && memcmp(img->data, prev, size) != 0) {
            memcpy(prev, img->data, size);
            last_change = a;
            int slot = nframes < MAX_FRAMES ? nframes++ : MAX_FRAMES - 1;
            if (slot == MAX_FRAMES - 1 && frames[slot].pixels)
                free(frames[slot].pixels);
            frames[slot].at_ms = a;
            frames[slot].pixels = malloc(size);
            memcpy(frames[slot].pixels, img->data, size);
        }
        if (img)
            XDestroyImage(img);
        if (nframes > 0 && b - last_change >= settle_s * 1e3)
            break;
        if (b - t0 >= timeout_s * 1e3)
            break;
        if (waitpid(pid, NULL, WNOHANG) == pid) {
            exited = 1;
            break;
        }
        usleep((useconds_t)(interval_ms * 1e3));
    }

    double first = -1, complete = -1;
    if (nframes > 0) {
        unsigned char *last = frames[nframes - 1].pixels;
        first = frames[0].at_ms - t0;
        size_t tolerance = (size_t)w * h / 1000;
        for (int k = 0; k < nframes; k++) {
            if (differing(frames[k].pixels, last, size) <= tolerance) {
                complete = frames[k].at_ms - t0;
                break;
            }
        }
        /* A frame identical to the blank screen is no frame at all. */
        if (differing(last, blank, size) == 0)
            first = complete = -1;
    }
    printf("{\"pid\": %d, \"first_ms\": %.1f, \"complete_ms\": %.1f, \"frames\": %d, "
           "\"polls\": %ld, \"poll_mean_ms\": %.2f, \"poll_max_ms\": %.2f, \"interval_ms\": %.1f, "
           "\"exited\": %s}\n",
           pid, first, complete, nframes, polls, poll_total / polls, poll_max, interval_ms,
           exited ? "true" : "false");
    fflush(stdout);
    XCloseDisplay(dpy);
    if (!exited)
        waitpid(pid, NULL, 0);
    return first >= 0 ? 0 : 2;
}
