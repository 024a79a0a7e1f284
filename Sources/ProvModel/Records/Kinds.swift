/// The four kinds of node that identifiers name. A closed set.
public enum NodeType: String, Sendable, Codable, CaseIterable {
    /// A campaign or study: a PROV collection whose members are runs.
    case experiment
    /// A workflow, task or step: a PROV activity.
    case run
    /// A dataset, model, checkpoint, artifact, file or other thing: a PROV entity.
    case entity
    /// A person, piece of software or host: a PROV agent.
    case agent
}

/// Where a run sits in the nesting of work. A closed set.
public enum RunKind: String, Sendable, Codable, CaseIterable {
    /// A whole workflow (an MLflow top-level run).
    case workflow
    /// A task within a workflow (an MLflow nested run).
    case task
    /// A step within a task.
    case step
}

/// The lifecycle state of a run; the same states MLflow knows. A closed set.
public enum RunStatus: String, Sendable, Codable, CaseIterable {
    case scheduled
    case running
    case finished
    case failed
    case killed
}

/// What an entity is. A closed set; free-form detail goes into the entity's attributes.
public enum EntityKind: String, Sendable, Codable, CaseIterable {
    case dataset
    case model
    case checkpoint
    case artifact
    case file
    case directory
    case telemetrySample = "telemetry_sample"
    case learningCurve = "learning_curve"
    case curveClass = "curve_class"
    /// A plan: a workflow definition or script an agent followed (`prov:Plan`).
    case plan
    /// An evaluation result (`mls:ModelEvaluation`).
    case evaluation
    /// A value passed between tasks that is none of the above.
    case value
}

/// What an agent is. A closed set.
public enum AgentKind: String, Sendable, Codable, CaseIterable {
    case person
    /// A capture tool, framework, workflow manager or other program (`prov:SoftwareAgent`).
    case software
    /// A machine (`prov:Location` in the ProvKit profile, also an agent that runs work).
    case host
    case organization
}

/// The W3C PROV relations of the ProvKit minimum profile.
///
/// Every relation reads `subject relation object`, with the dependent node as the subject (PROV's convention):
/// `run used entity`, `entity wasGeneratedBy run`. Walking from subject to object goes *up* the lineage,
/// toward what a node came from. A closed set.
public enum RelationKind: String, Sendable, Codable, CaseIterable {
    case used
    case wasGeneratedBy
    case wasAssociatedWith
    case wasAttributedTo
    case wasInformedBy
    case wasDerivedFrom
    case specializationOf
    case wasRevisionOf
    case hadMember
    case wasStartedBy
    case wasEndedBy
    case actedOnBehalfOf

    /// The node types PROV allows as this relation's subject.
    public var subjectTypes: Set<NodeType> {
        switch self {
        case .used, .wasAssociatedWith, .wasInformedBy, .wasStartedBy, .wasEndedBy: [.run]
        case .wasGeneratedBy, .wasAttributedTo, .wasDerivedFrom, .specializationOf, .wasRevisionOf: [.entity]
        case .hadMember: [.entity, .experiment]
        case .actedOnBehalfOf: [.agent]
        }
    }

    /// The node types PROV allows as this relation's object.
    public var objectTypes: Set<NodeType> {
        switch self {
        case .used, .wasDerivedFrom, .specializationOf, .wasRevisionOf, .wasStartedBy, .wasEndedBy: [.entity]
        case .wasGeneratedBy, .wasInformedBy: [.run]
        case .wasAssociatedWith, .wasAttributedTo, .actedOnBehalfOf: [.agent]
        case .hadMember: [.entity, .run]
        }
    }
}
