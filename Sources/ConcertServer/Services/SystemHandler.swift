import ConcertDomain
import ConcertProtocol
import ConcertRPC

/// Serves `concert.v1.SystemService`: health and the list of services.
struct SystemHandler: SystemServiceHandler {
    let version: String
    let clock: any ConcertClock
    let health: ServingState

    func health(_ request: HealthCheckRequest, context: RequestContext) -> Reply<HealthCheckResponse> {
        Reply(
            HealthCheckResponse(
                status: health.isServing ? .serving : .notServing,
                serverVersion: version,
                protocol: "concert.v1",
                serverTimeUnixMs: clock.now()))
    }

    func listServices(_ request: ListServicesRequest, context: RequestContext) -> Reply<ListServicesResponse> {
        Reply(
            ListServicesResponse(
                services: ProtocolServices.all.map { service in
                    ServiceInfo(
                        name: service.name,
                        methods: service.methods.map { method in
                            MethodInfo(
                                name: method.method, path: method.path, requestType: method.requestType,
                                responseType: method.responseType,
                                requiresToken: method.requiresToken, serverStreaming: method.serverStreaming)
                        })
                }))
    }
}
