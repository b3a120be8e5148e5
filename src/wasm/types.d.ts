// Generated from the Rust types (src/typescript/api.rs) by `UPDATE_SCHEMA=1 cargo test --test
// typescript_fresh`; `cargo test` fails when this file is stale. Do not edit by hand.
/** Any JSON value: what `JSON.parse` returns (JsonLogic expressions and data are JSON values). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A complete, versioned rule set. */
export interface RuleSet {
    /** Must be 1. */
    schemaVersion: number;
    /** Stable identifier of the rule set, e.g. `internet-branch`. */
    id: string;
    /** Version of this rule set, e.g. `2026.11.1`; shown in every decision. */
    version: string;
    name: Names;
    /** Every client field the rules may read. Reading an undeclared field is an error. */
    fields: Field[];
    /** @defaultValue `[]` */
    actions?: Action[];
    consent?: Consent | null;
    contactPolicy?: ContactPolicy | null;
    /** The layer a client gets when no other layer matches. */
    defaultLayer?: string | null;
    description?: Names | null;
    /**
     * Declared event types that may appear in a client's `events` history.
     *
     * @defaultValue `[]`
     */
    events?: EventType[];
    holdout?: Holdout | null;
    /**
     * Priority-ordered: the first matching layer is the client's primary layer.
     *
     * @defaultValue `[]`
     */
    layers?: Layer[];
    /**
     * The programmes that actions belong to (new-client welcome, churn win-back, ...).
     *
     * @defaultValue `[]`
     */
    sops?: Sop[];
    suitability?: Suitability | null;
    /** @defaultValue `[]` */
    tags?: Tag[];
    /**
     * Time zone used for dates without an offset, quiet hours and local days.
     * A fixed offset (`+08:00`) or a zone without daylight saving (`Asia/Shanghai`). Default `+08:00`.
     */
    timeZone?: string | null;
}

/** A display name in Chinese and English. */
export interface Names {
    zh: string;
    en: string;
}

/** A client field the rule set reads: its type, unit, sensitivity and the purpose it is read for. */
export interface Field {
    /** The key in a client record, e.g. `aum`. */
    id: string;
    type: FieldType;
    /** Why the rules read this field (data minimisation): shown in the privacy manifest. */
    purpose: string;
    name?: Names | null;
    /**
     * A record without this field is rejected instead of treating it as missing (null).
     *
     * @defaultValue `false`
     */
    required?: boolean;
    /**
     * Sensitive personal information under PIPL (financial accounts, assets): shown in the privacy manifest.
     *
     * @defaultValue `false`
     */
    sensitive?: boolean;
    /** Unit of a number, e.g. `CNY`, `days`. */
    unit?: string | null;
    /** For `enum`: the allowed values in ascending order (`C1` … `C5`), so they can be compared. */
    values?: string[] | null;
}

/**
 * - `"datetime"`: RFC 3339 / ISO 8601 text; without an offset it is local time in the rule set's time zone.
 * - `"enum"`: An ordered enumeration such as C1–C5 (declare `values`).
 * - `"list"`: A list of strings, e.g. product categories held.
 */
export type FieldType = "number" | "integer" | "string" | "boolean" | "datetime" | "enum" | "list";

/** A next-best action candidate. */
export interface Action {
    id: string;
    name: Names;
    /** The SOP this action belongs to (id from `sops`). */
    sop: string;
    channel: Channel;
    content: ContentKind;
    /** Days after a contact with this action during which it is not repeated. */
    cooldownDays?: number | null;
    /** A non-personalised action (id) offered instead when the client has opted out of personalisation. */
    fallback?: string | null;
    /**
     * Uses the client's personal characteristics; needs personalisation consent.
     *
     * @defaultValue `false`
     */
    personalised?: boolean;
    /** Fixed rank value (higher first). Give `priority` or `score`. */
    priority?: number | null;
    /** Product risk R1–R5 (required when `content` is `product`): checked against suitability. */
    productRisk?: string | null;
    /** Arbitration score = propensity × context weight × value × lever. */
    score?: Score | null;
    /**
     * Event types (ids from `events`) that trigger this action; it is considered only in a
     * decision made for one of them.
     */
    triggers?: string[] | null;
    /** Eligibility; absent means always eligible. */
    when?: JsonValue;
}

export type Channel = "push" | "sms" | "wecom" | "outbound_call" | "advisor_assignment" | "in_app";

export type ContentKind = "benefit" | "education" | "product" | "service";

/** Each component is a number or a JsonLogic expression evaluated for the client. */
export interface Score {
    propensity: JsonValue;
    contextWeight?: JsonValue;
    lever?: JsonValue;
    value?: JsonValue;
}

/**
 * Marketing consent: per channel, a boolean client field (or `true` for channels that need no
 * consent, such as in-app service messages). Channels not listed are denied.
 */
export interface Consent {
    channels: {
        advisor_assignment?: ConsentSource;
        in_app?: ConsentSource;
        outbound_call?: ConsentSource;
        push?: ConsentSource;
        sms?: ConsentSource;
        wecom?: ConsentSource;
    };
    /**
     * Boolean field: the client accepts personalised recommendations (PIPL art. 24).
     * Without it every client is treated as opted out.
     */
    personalisation?: string | null;
}

export type ConsentSource = boolean | string;

/** Contact pressure rules: caps, quiet hours, suppression after rejections, top-k. */
export interface ContactPolicy {
    /**
     * Per-channel caps.
     *
     * @defaultValue `{}`
     */
    channels?: {
        advisor_assignment?: Cap;
        in_app?: Cap;
        outbound_call?: Cap;
        push?: Cap;
        sms?: Cap;
        wecom?: Cap;
    };
    /** A cap over all channels together. */
    global?: Cap | null;
    /** At most this many actions per decision (default 1). */
    maxActionsPerDecision?: number | null;
    quietHours?: QuietHours | null;
    suppression?: Suppression | null;
}

/** At most `max` contacts within the last `windowDays` days (contacts chosen in the same decision count). */
export interface Cap {
    max: number;
    windowDays: number;
}

export interface QuietHours {
    /** Local time `HH:MM` when quiet hours begin (may be after `end`: the window crosses midnight). */
    start: string;
    /** Local time `HH:MM` when quiet hours end. */
    end: string;
    mode: QuietMode;
    /** Channels the quiet hours apply to (default: every channel except `in_app`). */
    channels?: Channel[] | null;
}

/**
 * - `"drop"`: The action is not taken.
 * - `"defer"`: The action is chosen but scheduled for the end of the quiet window.
 */
export type QuietMode = "drop" | "defer";

/** After `rejections` rejected contacts within `windowDays`, pause for `pauseDays`. */
export interface Suppression {
    rejections: number;
    windowDays: number;
    pauseDays: number;
    /** What a rejection pauses: the same action (default), its SOP, its channel, or all contact. */
    scope?: SuppressionScope | null;
}

export type SuppressionScope = "action" | "sop" | "channel" | "all";

/** A declared event type and the properties rules may read from it. */
export interface EventType {
    id: string;
    name?: Names | null;
    /**
     * Properties an event of this type may carry besides `type` and `at`, with their types.
     *
     * @defaultValue `{}`
     */
    properties?: { [key: string]: PropType };
}

export type PropType = "number" | "string" | "boolean";

/**
 * Control groups: per SOP, a share of clients (chosen by a stable hash of the client id) that
 * gets no action of that SOP, so the SOP's uplift can be measured.
 */
export interface Holdout {
    /** Changing the salt draws a new control group. */
    salt: string;
    /** SOP id → share of clients held out (0 to 0.5). */
    sops: { [key: string]: number };
}

export interface Layer {
    id: string;
    name: Names;
    description?: Names | null;
    /** Required for every layer except the default layer. */
    when?: JsonValue;
}

/** A programme of actions (SOP) such as new-client welcome or churn win-back. */
export interface Sop {
    id: string;
    name: Names;
}

/** Investor suitability: which product risks each investor class may be actively recommended. */
export interface Suitability {
    /** An `enum` field holding the client's class, lowest first (C1 … C5). */
    investorClassField: string;
    /** A `datetime` field: when the client's risk assessment was done. */
    assessedAtField?: string | null;
    /**
     * Class → highest product risk it may be recommended. Default: the CSRC matching
     * (C1→R1, C2→R2, C3→R3, C4→R4, C5→R5). The lowest class may only be matched to the lowest risk.
     */
    maxProductRisk?: { [key: string]: string } | null;
    /** Product risk levels, lowest first (default R1 … R5). */
    productRisks?: string[] | null;
    /** An assessment older than this blocks product recommendations. */
    validityDays?: number | null;
}

/** A boolean tag (`when`) or a multi-tier tag (`tiers`, the first matching tier wins). */
export interface Tag {
    id: string;
    name: Names;
    description?: Names | null;
    /** The tiers of a multi-tier tag, tried in order. */
    tiers?: Tier[] | null;
    /** The condition of a boolean tag. */
    when?: JsonValue;
}

export interface Tier {
    id: string;
    name: Names;
    when: JsonValue;
}

/**
 * A client record: its `id`, the fields the rule set declares, its event history and its past
 * contacts. Keys the rule set does not declare are ignored without being read, so a record may
 * carry any others. Each declared field is a number, text, `true`/`false`, a datetime
 * (RFC 3339 text; without an offset, the rule set's time zone), an enum value (text) or a list of
 * text, as its `type` says; `null` or absent means missing.
 */
export interface Client {
    /** The client id: non-empty text (a number is read as its decimal text). */
    id: ClientId;
    /** Past contacts (every one counts toward the frequency caps; rejected ones toward suppression). */
    contacts?: ClientContact[] | null;
    /** Events, in any order. Only the rule set's declared event types are read. */
    events?: ClientEvent[] | null;
    [key: string]: unknown;
}

/** A client id: non-empty text, or a number (read as its decimal text). */
export type ClientId = string | number;

/** A past contact with the client. */
export interface ClientContact {
    channel: Channel;
    /** When it happened: RFC 3339. */
    at: string;
    /** The action id; contacts from actions outside the rule set still count toward the caps. */
    action?: string | null;
    /** How it ended; without one the contact counts as `delivered`. */
    outcome?: ContactOutcome | null;
}

/** How a past contact ended. */
export type ContactOutcome = "delivered" | "opened" | "clicked" | "rejected" | "converted";

/**
 * One event in a client's history: its `type`, when it happened (`at`) and the properties the
 * rule set declares for that type (others are ignored).
 */
export interface ClientEvent {
    /** An event type id from the rule set's `events`; events of other types are skipped unread. */
    type: string;
    /**
     * When it happened: RFC 3339 (`2026-11-20T14:03:00+08:00`; without an offset, the rule set's
     * time zone).
     */
    at: string;
    [key: string]: string | number | boolean | null;
}

/** The options of `engine.decide`. */
export interface DecideOptions {
    /** The decision instant (required): the engine reads no clock. */
    now: Instant;
    /**
     * The event type this decision is made for: actions with `triggers` are considered only in a
     * decision made for one of their trigger events.
     */
    event?: string | null;
    /**
     * `false` leaves out the words — each not-chosen reason's `message` and the zh/en
     * `explanation` — which take most of a single decision's time (default `true`).
     */
    explain?: boolean | null;
    /** Include `trace`: every condition's result and the field values it read. */
    trace?: boolean | null;
}

/**
 * An instant: RFC 3339 text (`"2026-11-25T10:00:00+08:00"`; without an offset, the
 * rule set's time zone), epoch milliseconds or a `Date`.
 */
export type Instant = string | number | Date;

/** The options of `engine.decideBatch`. */
export interface BatchOptions {
    /** The decision instant (required), the same for every record. */
    now: Instant;
    /** The event type the decisions are made for (see `DecideOptions.event`). */
    event?: string | null;
    /** The format of text or `Uint8Array` input: NDJSON (the default) or CSV with a header row. */
    format?: TextFormat | null;
}

/** The format of text input. */
export type TextFormat = "ndjson" | "csv";

/** The options of `new Simulation(published, draft, options)`. */
export interface SimulationOptions {
    /** The decision instant (required) for every client, under both rule sets. */
    now: Instant;
    /**
     * The simulation assumptions (an object or its JSON text); the default pack's are in
     * `clientseg/rules/internet-branch.simulation.json`.
     */
    assumptions: AssumptionsInput;
    /** The event type the decisions are made for (see `DecideOptions.event`). */
    event?: string | null;
}

/** Assumptions as an object or as JSON text. */
export type AssumptionsInput = Assumptions | string;

/** What a simulation assumes about the world outside the rules. */
export interface Assumptions {
    /** The period the conversion rates and revenue refer to, in days (labels the report). */
    horizonDays: number;
    /**
     * The funnel breakpoints, in funnel order. A client counts at the first one whose tag
     * (or tag tier) it carries, so no client is counted twice.
     */
    breakpoints: Breakpoint[];
    /**
     * The internet branch's (承做, execution) operations-service share of the revenue of the
     * clients it converts; the originating branch (承揽) keeps the rest.
     */
    executionShare: number;
    incentives: Incentives;
    /**
     * Tasks per day the client managers (`advisor_assignment`) and the call centre
     * (`outbound_call`) can handle.
     *
     * @defaultValue `{}`
     */
    capacityPerDay?: {
        advisor_assignment?: number;
        in_app?: number;
        outbound_call?: number;
        push?: number;
        sms?: number;
        wecom?: number;
    };
    /**
     * Currency of every amount (label only).
     *
     * @defaultValue `"CNY"`
     */
    currency?: string;
    /** Free text: where the numbers come from. */
    description?: string;
    /**
     * Per action id: replaces the channel's uplift for that action.
     *
     * @defaultValue `{}`
     */
    upliftByAction?: { [key: string]: number };
    /**
     * Added to a client's conversion probability for each chosen action on the channel
     * (0.02 = two percentage points). Channels not listed add nothing.
     *
     * @defaultValue `{}`
     */
    upliftByChannel?: {
        advisor_assignment?: number;
        in_app?: number;
        outbound_call?: number;
        push?: number;
        sms?: number;
        wecom?: number;
    };
}

/** One funnel breakpoint: the clients stuck at it and what converting one of them is worth. */
export interface Breakpoint {
    /** The tag that marks clients at this breakpoint (it must exist in both rule sets). */
    tag: string;
    /** What converting means here, e.g. 开户未入金 → 入金. */
    name: Names;
    kind: BreakpointKind;
    /** Probability that a client at the breakpoint converts within the horizon with no action. */
    baselineRate: number;
    /** Revenue a conversion brings within the horizon. */
    revenuePerConversion: number;
    /** For a multi-tier tag: the tier. */
    tier?: string | null;
}

/**
 * Which incentive a breakpoint's conversions earn the internet branch.
 *
 * - `"lead"`: A lead becoming a client (account application, account opened).
 * - `"newClient"`: A new client's first deposit or first trade: new-client revenue.
 * - `"longTail"`: A long-tail client reactivated or buying a product: extra long-tail revenue.
 */
export type BreakpointKind = "lead" | "newClient" | "longTail";

/** The internet branch's incentives. */
export interface Incentives {
    /** Share of projected new-client revenue. */
    newClientRevenueRate: number;
    /** Share of the long-tail revenue above the no-action baseline. */
    longTailExtraRevenueRate: number;
    /** Amount per converted lead. */
    perLeadConverted: number;
}

/**
 * The decision for one client: tags, layers, chosen actions and why every other candidate was
 * not chosen, with a zh/en explanation.
 */
export interface Decision {
    clientId: string;
    ruleSet: RuleSetRef;
    /** The decision instant, RFC 3339 in the rule set's time zone. */
    now: string;
    /** Tags that are set: boolean tags → `true`, multi-tier tags → the tier id. */
    tags: { [tag: string]: true | string };
    /** The first matching layer in priority order (else the default layer); `null` when none. */
    primaryLayer: string | null;
    /** Every layer whose condition matched, in priority order. */
    layers: string[];
    /** Chosen actions, best first. */
    actions: ChosenAction[];
    /** Every other candidate with the reason it was not chosen. */
    notChosen: RejectedAction[];
    /** SOPs whose control group this client is in. */
    controlGroups: string[];
    /**
     * One sentence in Chinese and English: layer, tags, next action and why others were not
     * chosen. Left out when the decision was made without `explain`.
     */
    explanation?: Names;
    /** Present when the decision was made with `trace`: every condition, in evaluation order. */
    trace?: TraceEntry[];
}

/** The rule set a decision was made with. */
export interface RuleSetRef {
    id: string;
    version: string;
    /** `sha256:` of the canonical rule document (sorted keys, no white space). */
    contentHash: string;
}

/** A chosen action. */
export interface ChosenAction {
    id: string;
    sop: string;
    channel: Channel;
    content: ContentKind;
    /** The arbitration score (or the fixed priority) it was ranked by. */
    score: number;
    /** When quiet hours defer the action: the local time it may be sent. */
    deferredUntil?: string;
    /** Set when this is the non-personalised fallback of an action the client opted out of. */
    fallbackFor?: string;
}

/** A candidate action that was not chosen, and why. */
export interface RejectedAction {
    id: string;
    sop: string;
    channel: Channel;
    /**
     * Stable code: condition_false, not_triggered, control_group, suitability, consent,
     * personalisation_off, cooldown, suppressed, quiet_hours, channel_cap, global_cap,
     * outranked, fallback_not_needed.
     */
    reason: NotChosenReason;
    /**
     * The reason in words, in Chinese and English. Left out when the decision was made without
     * `explain`.
     */
    message?: Names;
}

/** One condition's evaluation, with the declared fields it read and their values. */
export interface TraceEntry {
    /** tag, layer or action. */
    kind: "tag" | "layer" | "action";
    id: string;
    /**
     * A tag: `true`/`false` or the tier id (`null`: no tier); a layer: `true`/`false`; an action:
     * `{condition, fate, score?}` (`fate`: `chosen` or the reason it was not chosen).
     */
    result: JsonValue;
    /** The declared fields the condition read, with their values. */
    reads: { [key: string]: JsonValue };
}

/**
 * Why a candidate action was not chosen. `personalisation_off`: its non-personalised
 * fallback is offered instead; `quiet_hours`: dropped (with `defer` the action is chosen with
 * `deferredUntil`); `outranked`: beyond the per-decision limit.
 */
export type NotChosenReason = "fallback_not_needed" | "not_triggered" | "condition_false" | "control_group" | "suitability" | "consent" | "personalisation_off" | "cooldown" | "suppressed" | "quiet_hours" | "channel_cap" | "global_cap" | "outranked";

/**
 * The result of `engine.decideBatch`, compact: record `k` (in input order, bad records left
 * out) has primary layer `layerIds[primaryLayer[k]]` (`-1`: none) and chosen actions
 * `actions.subarray(actionOffsets[k], actionOffsets[k + 1])` (indices into `actionIds`, best
 * first).
 */
export interface BatchResult {
    /** How many records were decided: the length of `clientIds` and `primaryLayer`. */
    count: number;
    /** The decided records' ids, in input order. */
    clientIds: string[];
    /** Per record: an index into `layerIds`, or `-1` when no layer applies. */
    primaryLayer: Int32Array;
    /**
     * `count + 1` offsets into `actions`: record `k`'s actions are
     * `actions.subarray(actionOffsets[k], actionOffsets[k + 1])`.
     */
    actionOffsets: Uint32Array;
    /** Every record's chosen actions, best first: indices into `actionIds`. */
    actions: Uint16Array;
    /** The rule set's layer ids, in priority order. */
    layerIds: string[];
    /** The rule set's action ids. */
    actionIds: string[];
    /** Records that could not be decided, each with its 1-based `line` and every problem. */
    errors: RecordError[];
}

/** A client record that cannot be decided, with every problem found in it. */
export interface RecordError {
    /** The record's `id`, when it has a readable one. */
    clientId: string | null;
    /** 1-based line (NDJSON) or row (CSV) of the record in a batch. */
    line: number | null;
    errors: Diagnostic[];
}

/** One problem in a rule set (or a client record), located by a JSON pointer. */
export interface Diagnostic {
    /** Stable kebab-case code, e.g. `unknown-key`, `undeclared-field`, `tag-cycle`. */
    code: string;
    severity: Severity;
    /** JSON pointer (RFC 6901) of the value the diagnostic is about; `""` is the whole document. */
    path: string;
    message: string;
    /** The likely fix, e.g. `did you mean "aum"?`. */
    suggestion?: string;
}

/** How bad a diagnostic is. Errors stop compilation; warnings do not. */
export type Severity = "error" | "warning";

/** What a compiled rule set is and reads: identity, content hash and the privacy manifest. */
export interface EngineInfo {
    id: string;
    version: string;
    name: Names;
    /**
     * `sha256:` of the canonical rule document (sorted keys, no white space): the same in Rust,
     * Node and the browser.
     */
    contentHash: string;
    schemaVersion: number;
    /** Every client field the rule set reads, with its purpose and sensitivity. */
    fields: FieldInfo[];
    /** The event types it reads from a client's history. */
    events: string[];
}

/** A client field in the privacy manifest. */
export interface FieldInfo {
    /** The key in a client record. */
    id: string;
    type: FieldType;
    /** Sensitive personal information under PIPL (financial accounts, assets). */
    sensitive: boolean;
    /** Why the rules read this field (data minimisation). */
    purpose: string;
    /** Unit of a number, e.g. `CNY`, `days`. */
    unit?: string;
}

/**
 * The `Error` every function of the package throws: a stable `code`, a `message` and, where they
 * apply, the JSON pointer `path` of the first problem and every `diagnostics` entry.
 */
export interface ClientsegError extends Error {
    code: ErrorCode;
    /** Every problem found (`INVALID_RULES`, `INVALID_CLIENT`, `INVALID_LOGIC`). */
    diagnostics?: Diagnostic[];
    /**
     * JSON pointer of the (first) offending value: in the rules, the client record or the options
     * (`null` when no diagnostic is an error).
     */
    path?: string | null;
}

/**
 * What went wrong: `INVALID_RULES` (with `diagnostics`), `INVALID_CLIENT` (with
 * `diagnostics` and `path`), `INVALID_OPTIONS` (with `path`), `INVALID_INPUT` (decideBatch's input),
 * `INVALID_LOGIC` and `INVALID_DATA` (applyLogic), `INVALID_ASSUMPTIONS` (a simulation's assumptions,
 * with `diagnostics`), `INVALID_PARTIAL` (`Simulation.merge` given bytes of another simulation),
 * `INTERNAL` (a bug: please report it).
 */
export type ErrorCode = "INVALID_RULES" | "INVALID_CLIENT" | "INVALID_OPTIONS" | "INVALID_INPUT" | "INVALID_LOGIC" | "INVALID_DATA" | "INVALID_ASSUMPTIONS" | "INVALID_PARTIAL" | "INTERNAL";

/** Totals so far, returned by every `add_*` call (`Simulation.add*` and `finish()` in JS). */
export interface SimulationProgress {
    /** Clients decided. */
    clients: number;
    /** Records that could not be read. */
    rejected: number;
}

/**
 * The report of a what-if simulation: every count for the published rule set (A) and the
 * draft (B), the transitions between them, and the assumptions they rest on.
 */
export interface SimulationReport {
    clients: number;
    rejected: number;
    /** The first bad records, with their line numbers. */
    errors: RecordError[];
    /** The decision instant (RFC 3339, in the published rule set's time zone). */
    now: string;
    /** The assumptions the projections rest on, defaults filled in. */
    assumptions: Assumptions;
    /** Warnings about the assumptions (e.g. an uplift for an action neither rule set has). */
    warnings: Diagnostic[];
    published: SideReport;
    draft: SideReport;
    transitions: LayerTransitions;
    clientsChangingLayer: number;
    clientsChangingActions: number;
}

/** Everything counted under one rule set. */
export interface SideReport {
    ruleSet: RuleSetRef;
    clients: number;
    /** Primary layer → clients. */
    primaryLayers: { [key: string]: number };
    /** Tag (or `tag=tier`) → clients. */
    tags: { [key: string]: number };
    /** SOP → chosen actions. */
    actionsBySop: { [key: string]: number };
    /** Channel → chosen actions. */
    actionsByChannel: { [key: string]: number };
    /** Action → chosen. */
    actions: { [key: string]: number };
    /**
     * Reason code → candidates not chosen for it (excluding `condition_false`,
     * `not_triggered` and `fallback_not_needed`, which are not suppressions).
     */
    suppressions: { [key: string]: number };
    /** Chosen actions deferred by quiet hours. */
    deferred: number;
    clientsWithoutAction: number;
    /** SOP → clients in its control group who were eligible for one of its actions. */
    controlGroup: { [key: string]: number };
    /** Day the action is scheduled (quiet hours may defer it) → channel → actions. */
    actionsByDay: { [key: string]: { [key: string]: number } };
    contactPressure: ContactPressure;
    workload: Workload[];
    funnel: FunnelStage[];
    revenue: Revenue;
}

/**
 * Touches per client in the 7 days ending with this decision: past contacts plus the actions
 * chosen now.
 */
export interface ContactPressure {
    meanPerClientWeek: number;
    maxPerClientWeek: number;
    /** Clients with 0, 1, 2, … touches; the last bucket counts that many or more. */
    histogram: number[];
}

/** Human work created on one day, against the declared capacity. */
export interface Workload {
    day: string;
    channel: Channel;
    tasks: number;
    /** `null` when the assumptions declare no capacity for the channel. */
    capacity: number | null;
    /**
     * tasks / capacity; `null` without a capacity, or with a capacity of 0 (then any task is
     * over capacity).
     */
    utilisation: number | null;
}

export interface FunnelStage {
    tag: string;
    name: Names;
    kind: BreakpointKind;
    /** Clients at this breakpoint (and at no earlier one). */
    clients: number;
    baselineRate: number;
    /** Expected conversions with no action. */
    baselineConversions: number;
    /** Expected conversions with the chosen actions' uplifts. */
    projectedConversions: number;
    projectedRate: number;
    tier?: string;
}

export interface Revenue {
    /** Revenue of the expected conversions with no action. */
    baseline: number;
    projected: number;
    incremental: number;
    /** Kept by the originating branches (承揽). */
    origination: number;
    /** The internet branch's operations-service share (承做). */
    execution: number;
    incentives: IncentivesEarned;
}

export interface IncentivesEarned {
    newClient: number;
    longTail: number;
    leadConversion: number;
    total: number;
}

/** Primary layer under A (rows) → under B (columns); the last id of each is `(none)`. */
export interface LayerTransitions {
    from: string[];
    to: string[];
    counts: number[][];
}
