import HTTPTypes
import NIOCore
import NIOHTTPTypes
import Synchronization

/// The number of open connections of one server, shared by every connection's handler.
final class ConnectionCounter: Sendable {
    let open = Atomic<Int>(0)
}

/// Closes connections that hold a file descriptor without doing their part, so that slow or silent
/// clients cannot use up the server's connections (slowloris):
///
/// - a request, headers and body, must arrive within `requestTimeout` of its first byte; else the
///   answer is 408 with the error envelope and the connection is closed;
/// - a new connection must begin its first request within `requestTimeout`, and a keep-alive
///   connection its next one within `idleTimeout`; else it is closed (no request, no answer).
///
/// Nothing is timed while the server itself works on a request (a slow disk is not the client's fault).
///
/// It also counts open connections: a request on a connection opened while more than `softLimit`
/// were open is answered 503 `server_busy` with `Retry-After` and the envelope, and the connection
/// closed (the hard cap, where the server stops accepting, lies a little above; see `Application`).
final class ConnectionTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private enum Phase { case waiting, reading, responding }

    private let requestTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    private var phase = Phase.waiting
    private var responseStarted = false
    /// Request heads read minus responses finished (more than one when a client pipelines).
    private var inFlight = 0
    /// A request head was read and its end not yet.
    private var readingRequest = false
    /// When the current phase runs out (`nil`: nothing is timed now).
    private var deadline: NIODeadline?
    /// The one scheduled wake-up, at `timerAt` (at or before `deadline`): moving the deadline later,
    /// as every keep-alive request does, costs no new timer; the wake-up re-arms itself.
    private var timer: Scheduled<Void>?
    private var timerAt: NIODeadline?
    private var watcher: FirstByteWatcher?

    private let counter: ConnectionCounter?
    private let softLimit: Int
    private var counted = false
    private var overLimit = false
    private var refusing = false

    init(requestTimeout: TimeAmount, idleTimeout: TimeAmount, counter: ConnectionCounter? = nil, softLimit: Int = .max) {
        self.requestTimeout = requestTimeout
        self.idleTimeout = idleTimeout
        self.counter = counter
        self.softLimit = softLimit
    }

    private func uncount() {
        if counted, let counter {
            counter.open.subtract(1, ordering: .relaxed)
            counted = false
        }
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if let counter {
            counted = true
            overLimit = counter.open.add(1, ordering: .relaxed).newValue > softLimit
        }
        // Bytes of a request head arrive long before the decoder yields the head: watch raw bytes
        // at the front of the pipeline to start the request clock at the first one.
        let watcher = FirstByteWatcher()
        watcher.onBytes = { [unowned self] in self.bytesArrived(context: context) }
        self.watcher = watcher
        try? context.pipeline.syncOperations.addHandler(watcher, position: .first)
        arm(context: context, after: requestTimeout)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        uncount()
        timer?.cancel()
        timer = nil
        watcher?.onBytes = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        uncount()
        timer?.cancel()
        timer = nil
        watcher?.onBytes = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if refusing { return }  // the 503 is on its way; nothing reaches the router
        if overLimit, case .head = unwrapInboundIn(data) {
            refusing = true
            deadline = nil
            answer(context: context, status: .serviceUnavailable, retryAfter: 1,
                   body: #"{"error":{"code":"server_busy","message":"The server has too many open connections; nothing was stored. Try again in a second."}}"#)
            return
        }
        switch unwrapInboundIn(data) {
        case .head:
            inFlight += 1
            readingRequest = true
            if phase == .waiting { startReading(context: context) }
        case .body:
            break
        case .end:
            readingRequest = false
            if phase == .reading {
                phase = .responding
                deadline = nil
            }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head: responseStarted = true
        case .body: break
        case .end:
            responseStarted = false
            inFlight = max(0, inFlight - 1)
            if inFlight == 0 {
                phase = .waiting
                arm(context: context, after: idleTimeout)
            } else if readingRequest {
                startReading(context: context)  // a pipelined request still arriving
            } else {
                phase = .responding  // a pipelined request read whole: the server's turn
                deadline = nil
            }
        }
        context.write(data, promise: promise)
    }

    private func bytesArrived(context: ChannelHandlerContext) {
        if phase == .waiting { startReading(context: context) }
    }

    private func startReading(context: ChannelHandlerContext) {
        phase = .reading
        arm(context: context, after: requestTimeout)
    }

    private func arm(context: ChannelHandlerContext, after delay: TimeAmount) {
        let due = NIODeadline.now() + delay
        deadline = due
        if let timerAt, timer != nil {
            if timerAt <= due { return }  // wakes up earlier and re-arms for the new deadline
            timer?.cancel()
        }
        schedule(context: context, at: due)
    }

    private func schedule(context: ChannelHandlerContext, at due: NIODeadline) {
        timerAt = due
        timer = context.eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(deadline: due) { [self] in
            self.timer = nil
            self.timerAt = nil
            guard let deadline = self.deadline else { return }
            if deadline > .now() {
                self.schedule(context: context, at: deadline)
            } else {
                self.deadline = nil
                self.expired(context: context)
            }
        }
    }

    private func expired(context: ChannelHandlerContext) {
        switch phase {
        case .responding:
            return
        case .waiting:
            context.close(promise: nil)
        case .reading:
            guard !responseStarted else {
                context.close(promise: nil)
                return
            }
            phase = .responding
            let seconds = requestTimeout.nanoseconds / 1_000_000_000
            answer(context: context, status: .requestTimeout, retryAfter: nil,
                   body: #"{"error":{"code":"request_timeout","message":"The request did not arrive within \#(seconds) s; nothing was stored. Send it again."}}"#)
        }
    }

    /// Writes a whole error answer with the envelope and closes the connection.
    private func answer(context: ChannelHandlerContext, status: HTTPResponse.Status, retryAfter: Int?, body: String) {
        var head = HTTPResponse(status: status)
        head.headerFields[.contentType] = "application/json; charset=utf-8"
        head.headerFields[.contentLength] = String(body.utf8.count)
        head.headerFields[.connection] = "close"
        if let retryAfter { head.headerFields[.retryAfter] = String(retryAfter) }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(string: body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }
}

/// Tells ``ConnectionTimeoutHandler`` that bytes arrived, before the HTTP decoder sees them.
final class FirstByteWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    var onBytes: (() -> Void)?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        onBytes?()
        context.fireChannelRead(data)
    }
}
