import ProvModel
public import ProvStore
import Testing

// The one query model: the clauses the command line's and native API's run filters compile to (taxonomy terms, run
// kind, parent, experiment by name or id, numbers written as text) answer alike through every entry point.

extension StoreConformance {
    /// The checks of the query model.
    static let queryChecks: [StoreConformanceCheck] = [
        StoreConformanceCheck("query model: terms, kinds, parents, experiments and numerals are clauses") {
            try await filterClauses($0)
        },
        StoreConformanceCheck("query model: a run filter and its clauses select the same runs") {
            try await filtersAsClauses($0)
        },
        StoreConformanceCheck("run query: ordering by any key, pages, and the parts asked for") {
            try await runQuery($0)
        },
        StoreConformanceCheck("searches: the largest page size is refused, not trapped on") {
            try await largestPageSize($0)
        },
    ]

    static func largestPageSize(_ store: any ProvenanceStore) async throws {
        await #expect(throws: StoreError.self) {
            _ = try await store.searchRuns(RunSearch(experiments: [0], limit: .max))
        }
        await #expect(throws: StoreError.self) { _ = try await store.searchExperiments(ExperimentSearch(limit: .max)) }
        await #expect(throws: StoreError.self) {
            _ = try await store.searchModels(ModelSearch(experiments: [0], limit: .max))
        }
    }

    /// The run search over both fixture experiments, with `clauses`.
    private static func searched(
        _ store: any ProvenanceStore, _ clauses: [SearchClause], orderBy: [SearchOrder] = []
    ) async throws -> [ProvID] {
        var numbers: [Int64] = []
        for experiment in try await store.experiments() {
            if let number = try await store.trackedExperiment(.id(experiment.id))?.number { numbers.append(number) }
        }
        return try await store.searchRuns(RunSearch(experiments: numbers, filter: clauses, orderBy: orderBy)).items
            .map(\.id)
    }

    static func filterClauses(_ store: any ProvenanceStore) async throws {
        let (campaign, sweep) = try await campaignAndSweep(store)
        let c = campaign.ids
        let s = sweep.runs
        let term = ProvFixtures.learningRateTerm
        #expect(
            try await searched(store, [SearchClause(.term(term), .isNotNull, .none)]) == [s[2], s[1], s[0], c.train])
        #expect(try await searched(store, [SearchClause(.term("model"), .isNotNull, .none)]).contains(c.train))
        #expect(try await searched(store, [SearchClause(.term("zz_unknown"), .isNotNull, .none)]).isEmpty)
        #expect(
            try await searched(store, [SearchClause(.term(term), .isNull, .none)]) == [
                s[3], c.evaluate, c.step, c.workflow,
            ])
        #expect(
            try await searched(store, [SearchClause(.attribute(.kind), .equal, .string("workflow"))]) == [
                s[3], s[2], s[1], s[0], c.workflow,
            ])
        #expect(
            try await searched(store, [SearchClause(.attribute(.kind), .in, .list(["task", "step"]))]) == [
                c.evaluate, c.step, c.train,
            ])
        #expect(
            try await searched(store, [SearchClause(.attribute(.parentRun), .equal, .string(c.workflow.hex))]) == [
                c.evaluate, c.train,
            ])
        #expect(
            try await searched(store, [SearchClause(.attribute(.experiment), .equal, .string(sweep.experimentName))])
                == [s[3], s[2], s[1], s[0]])
        #expect(
            try await searched(
                store, [SearchClause(.attribute(.experiment), .in, .list([campaign.ids.experiment.hex]))])
                == [c.evaluate, c.step, c.train, c.workflow])
        // A numeral matches the same number written otherwise, or the same text.
        #expect(
            try await searched(store, [SearchClause(.parameter("lr"), .equal, .numeral(0.01, text: "0.010"))]) == [
                s[1], c.train,
            ])
        #expect(
            try await searched(store, [SearchClause(.parameter("lr"), .greater, .numeral(0.005, text: "5e-3"))]) == [
                s[2], s[1], c.train,
            ])
        #expect(
            try await searched(store, [SearchClause(.parameter("lr"), .notEqual, .numeral(0.01, text: "0.01"))]) == [
                s[2], s[0],
            ])
        #expect(
            try await searched(store, [SearchClause(.parameter("optimizer"), .less, .numeral(1, text: "1"))]).isEmpty)
        #expect(
            try await searched(store, [SearchClause(.tag("team"), .equal, .numeral(7, text: "vision"))]) == [
                s[1], s[0],
            ])
        await expectStoreError(.invalidQuery) {
            try await searched(store, [SearchClause(.term(term), .equal, .string(term))])
        }
        await expectStoreError(.invalidQuery) { try await searched(store, [], orderBy: [SearchOrder(.term(term))]) }
        await expectStoreError(.invalidQuery) {
            try await searched(store, [SearchClause(.attribute(.experiment), .like, .string("%"))])
        }
    }

    static func filtersAsClauses(_ store: any ProvenanceStore) async throws {
        let (campaign, sweep) = try await campaignAndSweep(store)
        let filters = [
            RunFilter(), RunFilter(experiments: [sweep.experimentName, campaign.ids.experiment.hex]),
            RunFilter(parameters: [condition("lr=0.01")]), RunFilter(parameters: [condition("lr!=0.1")]),
            RunFilter(parameters: [condition("lr<=0.01"), condition("optimizer=SGD")]),
            RunFilter(parameters: [condition("optimizer!=SGD")]), RunFilter(metrics: [condition("accuracy>0.5")]),
            RunFilter(tags: [condition("team=vision")]), RunFilter(terms: [ProvFixtures.learningRateTerm, "model"]),
            RunFilter(statuses: [.finished, .failed]), RunFilter(kinds: [.task]),
            RunFilter(parent: campaign.ids.workflow),
        ]
        for filter in filters {
            #expect(
                try await searched(store, try filter.clauses()) == matching(store, filter),
                Comment(rawValue: "\(filter)"))
        }
    }

    static func runQuery(_ store: any ProvenanceStore) async throws {
        let (campaign, sweep) = try await campaignAndSweep(store)
        let c = campaign.ids
        let s = sweep.runs
        func ids(_ query: RunQuery) async throws -> [ProvID] { try await store.runs(query).items.map(\.summary.id) }
        let all = try await store.runs(RunQuery())
        #expect(all.items.map(\.summary) == (try await store.runs(matching: RunFilter())))
        #expect(!all.hasMore)
        #expect(all.items.allSatisfy { $0 == RunView(summary: $0.summary) })
        // Any key orders; runs without it come last, ties newest first.
        #expect(
            try await ids(RunQuery(orderBy: [SearchOrder(.parameter("lr"))])).prefix(4) == [s[0], s[1], c.train, s[2]])
        #expect(
            try await ids(RunQuery(orderBy: [SearchOrder(.metric("accuracy"), ascending: false)])).prefix(4) == [
                c.evaluate, s[1], s[0], s[2],
            ])
        #expect(
            try await ids(RunQuery(orderBy: [SearchOrder(.attribute(.kind)), SearchOrder(.attribute(.name))])).first
                == c.step)
        // Pages put together are the whole list.
        var paged: [ProvID] = []
        var offset = 0
        while true {
            let page = try await store.runs(RunQuery(limit: 3, offset: offset))
            paged += page.items.map(\.summary.id)
            offset += 3
            if !page.hasMore { break }
        }
        #expect(paged == all.items.map(\.summary.id))
        #expect(try await ids(RunQuery(limit: 3, offset: 6)).count == 2)
        #expect(try await ids(RunQuery(offset: 100)).isEmpty)
        // Parts: everything is what runDetail says; a partial load leaves the rest out.
        for view in try await store.runs(RunQuery(parts: .all)).items {
            #expect(view.detail == (try await store.runDetail(view.summary.id)))
        }
        let train = try #require(await store.runDetail(c.train))
        let partial = try await store.runs(
            RunQuery(
                filter: [SearchClause(.attribute(.id), .equal, .string(c.train.hex))], parts: [.parameters, .terms]))
        #expect(partial.items.count == 1)
        #expect(partial.items.first?.parameters == train.parameters)
        #expect(partial.items.first?.terms == train.terms)
        #expect(partial.items.first?.tags == nil)
        #expect(partial.items.first?.relations == nil)
        #expect(partial.items.first?.telemetrySampleCount == nil)
        let children = try await store.runs(
            RunQuery(
                filter: [SearchClause(.attribute(.parentRun), .equal, .string(c.workflow.hex))], parts: [.children]))
        #expect(children.items.map(\.summary.id) == [c.evaluate, c.train])
        #expect(children.items.last?.children?.map(\.id) == [c.step])
        #expect(children.items.first?.children == [])
        await expectStoreError(.invalidQuery) { try await store.runs(RunQuery(limit: 0)) }
        await expectStoreError(.invalidQuery) { try await store.runs(RunQuery(offset: -1)) }
        await expectStoreError(.invalidQuery) {
            try await store.runs(RunQuery(orderBy: [SearchOrder(.dataset(.name))]))
        }
    }
}
