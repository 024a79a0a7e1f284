import NIOCore

/// Closes a connection that is still open a grace period after the server began to shut down, so that a stalled
/// client (a request body that never ends, a response it never reads) cannot hold the shutdown.
///
/// It sits in each connection's pipeline after the HTTP decoder and passes every part through unchanged. When the
/// server quiesces (SIGTERM or SIGINT), idle connections close at once and busy ones after their answer (Hummingbird
/// does both); this handler closes whatever is left when the grace period ends.
final class ShutdownDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    let gracePeriod: TimeAmount
    private var deadline: Scheduled<Void>?

    /// - Parameter gracePeriod: how long requests in flight may take once the server shuts down.
    init(gracePeriod: TimeAmount) {
        self.gracePeriod = gracePeriod
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent, deadline == nil {
            let channel = context.channel
            deadline = context.eventLoop.scheduleTask(in: gracePeriod) { channel.close(promise: nil) }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }
}
