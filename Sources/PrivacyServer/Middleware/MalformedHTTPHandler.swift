import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers a request that is not valid HTTP/1.1 (a header with CR, LF or NUL in it, both
/// `Content-Length` and `Transfer-Encoding`, a broken chunk size, …) with the API's error envelope
/// and closes the connection.
///
/// Such a request never reaches the router: NIO's parser rejects it, and Hummingbird would answer a
/// bare `400` with no body. This handler sits right after the HTTP codec, catches the parser error
/// and writes the envelope instead, unless an answer to the request in flight has already begun.
final class MalformedHTTPHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var responseStarted = false
    private var answered = false

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head: responseStarted = true
        case .end: responseStarted = false
        case .body: break
        }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        guard !answered else { return }
        answered = true
        if responseStarted {
            context.close(promise: nil)
            return
        }
        let body = #"{"error":{"code":"malformed_request","message":"The request is not valid HTTP/1.1 (\#(Self.describe(error))); nothing was stored."}}"#
        var head = HTTPResponse(status: .badRequest)
        head.headerFields[.contentType] = "application/json; charset=utf-8"
        head.headerFields[.contentLength] = String(body.utf8.count)
        head.headerFields[.connection] = "close"
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(string: body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }

    static func describe(_ error: any Error) -> String {
        switch error as? HTTPParserError {
        case .invalidHeaderToken?, .invalidCharactersUsed?: "invalid characters in a header"
        case .unexpectedContentLength?: "conflicting Content-Length and Transfer-Encoding"
        case .invalidContentLength?: "invalid Content-Length"
        case .invalidChunkSize?: "invalid chunk size"
        case .headerOverflow?: "headers too large"
        case .invalidVersion?: "unsupported HTTP version"
        default: "malformed request"
        }
    }
}
