package io.hostplane.api.system;

import io.hostplane.platform.LogFields;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The two deadlines of one HTTP/1.1 connection ({@link HttpProperties#requestHeadTimeout()} and {@link
 * HttpProperties#idleTimeout()}), kept by two handlers around the HTTP codec: {@link #bytes()} before it sees the
 * bytes come in, {@link #messages()} after it sees the request heads it decoded and the answers going out.
 *
 * <ul>
 *   <li>waiting for a head: from the connection's opening, or from the first byte of a later request, the whole
 *       head must arrive within the head deadline. It is fixed: bytes trickling in do not extend it (Reactor
 *       Netty's own idle timeout is reset by every byte, so a client sending one a second would never be
 *       dropped). Then the connection is closed, with a 408 if part of a head had come;
 *   <li>answering: from a decoded head until the last byte of its answer has been written nothing is armed, so a
 *       long poll, an NDJSON export or an archive download is never cut, however long it takes;
 *   <li>idle: from then until the next request's first byte, the idle deadline; then the connection is closed.
 * </ul>
 *
 * Everything runs on the connection's event loop, so the state needs no locking.
 */
final class ConnectionDeadlines {

    private static final Logger log = LoggerFactory.getLogger(ConnectionDeadlines.class);

    private enum State {
        HEAD,
        ANSWERING,
        IDLE
    }

    private final long headNanos;
    private final long idleNanos;
    private final NettyEnvelopes envelopes;

    private State state = State.HEAD;
    private boolean headBytes;
    private int unanswered;
    private boolean finalResponse;
    private boolean closedByDeadline;
    private ScheduledFuture<?> timer;
    private ChannelHandlerContext ctx;

    ConnectionDeadlines(Duration head, Duration idle, NettyEnvelopes envelopes) {
        this.headNanos = head.toNanos();
        this.idleNanos = idle.toNanos();
        this.envelopes = envelopes;
    }

    /** The handler before the codec: the first byte of a request starts its head deadline. */
    ChannelHandler bytes() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext context, Object msg) {
                if (msg instanceof ByteBuf buffer && buffer.isReadable()) {
                    bytesArrived();
                }
                context.fireChannelRead(msg);
            }
        };
    }

    /** The handler after the codec: request heads stop the head deadline, a written answer starts the idle one. */
    ChannelHandler messages() {
        return new ChannelDuplexHandler() {
            @Override
            public void handlerAdded(ChannelHandlerContext context) {
                ctx = context;
                if (context.channel().isActive()) {
                    arm(headNanos);
                }
            }

            @Override
            public void channelActive(ChannelHandlerContext context) {
                if (timer == null) {
                    arm(headNanos);
                }
                context.fireChannelActive();
            }

            @Override
            public void channelInactive(ChannelHandlerContext context) {
                disarm();
                context.fireChannelInactive();
            }

            @Override
            public void handlerRemoved(ChannelHandlerContext context) {
                disarm();
            }

            @Override
            public void channelRead(ChannelHandlerContext context, Object msg) {
                if (closedByDeadline) {
                    // The codec's last word on a connection closed mid-head ("closed before received headers"):
                    // nobody is left to answer.
                    ReferenceCountUtil.release(msg);
                    return;
                }
                if (msg instanceof HttpRequest) {
                    headArrived();
                } else if (msg instanceof HttpContent && unanswered == 0 && state == State.HEAD) {
                    // The rest of a body whose request was answered before it was read (a 413, a 401): not a head.
                    idle();
                }
                context.fireChannelRead(msg);
            }

            @Override
            public void write(ChannelHandlerContext context, Object msg, ChannelPromise promise) {
                if (msg instanceof HttpResponse response) {
                    // 100 Continue and other interim answers are not the answer.
                    finalResponse = response.status().codeClass() != HttpStatusClass.INFORMATIONAL;
                }
                if (msg instanceof LastHttpContent && finalResponse) {
                    finalResponse = false;
                    ChannelPromise written = promise.unvoid();
                    context.write(msg, written);
                    written.addListener(future -> {
                        if (future.isSuccess()) {
                            answered();
                        }
                    });
                    return;
                }
                context.write(msg, promise);
            }
        };
    }

    private void bytesArrived() {
        if (state == State.IDLE) {
            state = State.HEAD;
            arm(headNanos);
        }
        if (state == State.HEAD) {
            headBytes = true;
        }
    }

    private void headArrived() {
        unanswered++;
        state = State.ANSWERING;
        headBytes = false;
        disarm();
    }

    private void answered() {
        if (unanswered > 0) {
            unanswered--;
        }
        if (unanswered == 0 && state == State.ANSWERING) {
            idle();
        }
    }

    private void idle() {
        state = State.IDLE;
        headBytes = false;
        arm(idleNanos);
    }

    private void arm(long nanos) {
        disarm();
        if (ctx != null) {
            timer = ctx.executor().schedule(this::expired, nanos, TimeUnit.NANOSECONDS);
        }
    }

    private void disarm() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expired() {
        timer = null;
        closedByDeadline = state != State.ANSWERING;
        if (state == State.HEAD && headBytes) {
            FullHttpResponse timeout = envelopes.error(
                    HttpResponseStatus.REQUEST_TIMEOUT,
                    "The request head (request line and headers) did not arrive within "
                            + readable(Duration.ofNanos(headNanos)) + ".",
                    true);
            try (MDC.MDCCloseable id =
                    MDC.putCloseable(LogFields.REQUEST_ID, timeout.headers().get(RequestIds.HEADER))) {
                log.info(
                        "request head from {} incomplete after {}: 408, connection closed",
                        ctx.channel().remoteAddress(),
                        readable(Duration.ofNanos(headNanos)));
            }
            ctx.writeAndFlush(timeout).addListener(ChannelFutureListener.CLOSE);
        } else if (state != State.ANSWERING) {
            log.debug(
                    "connection from {} closed: {} deadline",
                    ctx.channel().remoteAddress(),
                    state == State.HEAD ? "head" : "idle");
            ctx.close();
        }
    }

    private static String readable(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }
}
