//! The readable decision for one client: tags, layers, ranked actions, the reason every other
//! candidate was not chosen, an optional trace of each condition with the values it read, and a
//! one-line explanation in Chinese and English for operators and compliance.

use crate::client::RecordError;
use crate::engine::{Context, Engine, TagRule};
use crate::evaluate::{Evaluation, Fate, SuitabilityBlock};
use crate::record::{FieldVal, Record};
use crate::schema::Names;
use crate::time;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value};

/// The decision for one client: tags, layers, chosen actions and why every other candidate was
/// not chosen, with a zh/en explanation.
#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    pub client_id: String,
    pub rule_set: RuleSetRef,
    /// The decision instant, RFC 3339 in the rule set's time zone.
    pub now: String,
    /// Tags that are set: boolean tags → `true`, multi-tier tags → the tier id.
    #[schemars(extend("x-ts-type" = "{ [tag: string]: true | string }"))]
    pub tags: Map<String, Value>,
    /// The first matching layer in priority order (else the default layer); `null` when none.
    pub primary_layer: Option<String>,
    /// Every layer whose condition matched, in priority order.
    pub layers: Vec<String>,
    /// Chosen actions, best first.
    pub actions: Vec<ChosenAction>,
    /// Every other candidate with the reason it was not chosen.
    pub not_chosen: Vec<RejectedAction>,
    /// SOPs whose control group this client is in.
    pub control_groups: Vec<String>,
    /// One sentence in Chinese and English: layer, tags, next action and why others were not
    /// chosen. Left out when the decision was made without `explain`.
    #[serde(skip_serializing_if = "Names::is_empty")]
    pub explanation: Names,
    /// Present when the decision was made with `trace`: every condition, in evaluation order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace: Option<Vec<TraceEntry>>,
}

/// The rule set a decision was made with.
#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RuleSetRef {
    pub id: String,
    pub version: String,
    /// `sha256:` of the canonical rule document (sorted keys, no white space).
    pub content_hash: String,
}

/// A chosen action.
#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChosenAction {
    pub id: String,
    pub sop: String,
    #[schemars(with = "crate::schema::Channel")]
    pub channel: String,
    #[schemars(with = "crate::schema::ContentKind")]
    pub content: String,
    /// The arbitration score (or the fixed priority) it was ranked by.
    pub score: f64,
    /// When quiet hours defer the action: the local time it may be sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deferred_until: Option<String>,
    /// Set when this is the non-personalised fallback of an action the client opted out of.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback_for: Option<String>,
}

/// A candidate action that was not chosen, and why.
#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RejectedAction {
    pub id: String,
    pub sop: String,
    #[schemars(with = "crate::schema::Channel")]
    pub channel: String,
    /// Stable code: condition_false, not_triggered, control_group, suitability, consent,
    /// personalisation_off, cooldown, suppressed, quiet_hours, channel_cap, global_cap,
    /// outranked, fallback_not_needed.
    #[schemars(extend("x-ts-type" = "NotChosenReason"))]
    pub reason: String,
    /// The reason in words, in Chinese and English. Left out when the decision was made without
    /// `explain`.
    #[serde(skip_serializing_if = "Names::is_empty")]
    pub message: Names,
}

/// One condition's evaluation, with the declared fields it read and their values.
#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TraceEntry {
    /// tag, layer or action.
    #[schemars(extend("x-ts-type" = "\"tag\" | \"layer\" | \"action\""))]
    pub kind: String,
    pub id: String,
    /// A tag: `true`/`false` or the tier id (`null`: no tier); a layer: `true`/`false`; an action:
    /// `{condition, fate, score?}` (`fate`: `chosen` or the reason it was not chosen).
    pub result: Value,
    /// The declared fields the condition read, with their values.
    pub reads: Map<String, Value>,
}

/// A decision by index into the rule set (see [`Engine::outline`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outline {
    /// Set tags in declaration order: (tag, value) with the value as in [`Evaluation::tags`].
    pub tags: Vec<(u16, u16)>,
    pub primary: Option<u16>,
    /// Matched layers in declaration (priority) order.
    pub layers: Vec<u16>,
    /// Chosen actions, best first.
    pub chosen: Vec<OutlinedAction>,
    /// Every other action in declaration order, with its fate.
    pub not_chosen: Vec<(u16, Fate)>,
    /// SOPs whose control group the client is in.
    pub control_groups: Vec<u16>,
}

/// A chosen action by index.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OutlinedAction {
    pub action: u16,
    pub score: f64,
    pub deferred_until: Option<i64>,
    /// The personalised action this one stands in for.
    pub fallback_for: Option<u16>,
}

/// The names an [`Outline`]'s indices stand for: what the package's JavaScript side needs to build
/// a decision object from an outline without the words (see `src/wasm/codec.js`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecisionTables {
    pub rule_set: RuleSetRef,
    /// Per tag: its id and, for a multi-tier tag, its tier ids (`null` for a boolean tag).
    pub tags: Vec<(String, Option<Vec<String>>)>,
    pub layers: Vec<String>,
    /// Per action: id, SOP, channel and content kind.
    pub actions: Vec<(String, String, String, String)>,
    pub sops: Vec<String>,
    /// [`Fate::CODES`], by [`Fate::index`].
    pub reasons: Vec<String>,
    /// The tags in the order [`Decision::tags`] lists them (the Rust side lays them out so; not sent).
    #[serde(skip)]
    pub tag_order: Vec<u16>,
}

impl Engine {
    /// Decides one client given as JSON.
    ///
    /// # Errors
    /// [`RecordError`] when the record has wrong types, bad dates or missing required fields.
    pub fn decide_json(&self, client: &Value, ctx: &Context) -> Result<Decision, RecordError> {
        let rec = self.read_client(client)?;
        Ok(self.decide(&rec, ctx))
    }

    /// Decides one client.
    pub fn decide(&self, rec: &Record, ctx: &Context) -> Decision {
        self.decide_with(rec, ctx, true)
    }

    /// Decides one client; without `explain` the decision leaves out the words (see
    /// [`Engine::describe_with`]).
    pub fn decide_with(&self, rec: &Record, ctx: &Context, explain: bool) -> Decision {
        let mut ev = Evaluation::default();
        self.evaluate(rec, ctx, &mut ev);
        self.describe_with(rec, ctx, &ev, explain)
    }

    /// Builds the readable decision from an evaluation, with every reason in words and the
    /// zh/en explanation.
    pub fn describe(&self, rec: &Record, ctx: &Context, ev: &Evaluation) -> Decision {
        self.describe_with(rec, ctx, ev, true)
    }

    /// Builds the decision; without `explain`, the words (each reason's `message` and the
    /// `explanation`) are left out and the rest is the same. An app that needs only the layer and
    /// the actions saves most of the time of a single decision this way.
    pub fn describe_with(&self, rec: &Record, ctx: &Context, ev: &Evaluation, explain: bool) -> Decision {
        let outline = self.outline(rec, ev);
        let mut tags = Map::new();
        for &(t, k) in &outline.tags {
            let tag = &self.tags[t as usize];
            let value = match &tag.rule {
                TagRule::Bool(_) => Value::Bool(true),
                TagRule::Tiers(tiers) => {
                    Value::String(tiers.get(k as usize - 1).map_or(String::new(), |x| x.0.clone()))
                }
            };
            tags.insert(tag.id.clone(), value);
        }
        let sop = |a: &crate::engine::ActionDef| self.sops.get(a.sop as usize).map_or(String::new(), |s| s.id.clone());
        let actions: Vec<ChosenAction> = outline
            .chosen
            .iter()
            .map(|c| {
                let a = &self.actions[c.action as usize];
                ChosenAction {
                    id: a.id.clone(),
                    sop: sop(a),
                    channel: a.channel.as_str().into(),
                    content: content_str(a.content).into(),
                    score: c.score,
                    deferred_until: c.deferred_until.map(|t| time::format_datetime(t, self.tz)),
                    fallback_for: c.fallback_for.map(|p| self.actions[p as usize].id.clone()),
                }
            })
            .collect();
        let Words { messages, explanation } = if explain { self.words(rec, &outline) } else { Words::default() };
        let mut messages = messages.into_iter();
        let not_chosen: Vec<RejectedAction> = outline
            .not_chosen
            .iter()
            .map(|&(i, fate)| {
                let a = &self.actions[i as usize];
                RejectedAction {
                    id: a.id.clone(),
                    sop: sop(a),
                    channel: a.channel.as_str().into(),
                    reason: fate.code().into(),
                    message: messages.next().map(Names::from).unwrap_or_default(),
                }
            })
            .collect();
        let layers: Vec<String> = outline.layers.iter().map(|&l| self.layers[l as usize].id.clone()).collect();
        let primary = outline.primary.map(|p| &self.layers[p as usize]);
        let control_groups = outline.control_groups.iter().map(|&s| self.sops[s as usize].id.clone()).collect();
        Decision {
            client_id: rec.id.to_string(),
            rule_set: RuleSetRef {
                id: self.id.clone(),
                version: self.version.clone(),
                content_hash: self.content_hash.clone(),
            },
            now: time::format_datetime(ctx.now, self.tz),
            tags,
            primary_layer: primary.map(|l| l.id.clone()),
            layers,
            actions,
            not_chosen,
            control_groups,
            explanation,
            trace: ctx.trace.then(|| self.trace(rec, ctx, ev)),
        }
    }

    /// What the decision says, by index: the one reading of an evaluation that
    /// [`Engine::describe_with`] puts into words and the wasm boundary sends to JavaScript as numbers.
    pub fn outline(&self, rec: &Record, ev: &Evaluation) -> Outline {
        let mut out = Outline::default();
        self.outline_into(rec, ev, &mut out);
        out
    }

    /// [`Engine::outline`] into `out`, reusing its buffers.
    pub fn outline_into(&self, rec: &Record, ev: &Evaluation, out: &mut Outline) {
        out.tags.clear();
        out.tags.extend((0..self.tags.len() as u16).map(|t| (t, ev.tags[t as usize])).filter(|(_, k)| *k > 0));
        out.primary = ev.primary;
        out.layers.clear();
        out.layers.extend((0..self.layers.len() as u16).filter(|&l| ev.layers[l as usize]));
        // A chosen fallback stands in for the personalised action the client opted out of.
        let fallback_for = |i: usize| {
            (0..self.actions.len())
                .find(|&p| self.actions[p].fallback == Some(i as u16) && ev.fates[p] == Fate::PersonalisationOff)
        };
        // `ev.chosen` is in rank order: an action's rank is its position there.
        out.chosen.clear();
        for &i in &ev.chosen {
            if let Fate::Chosen { score, deferred_until, .. } = ev.fates[i as usize] {
                let fallback_for = fallback_for(i as usize).map(|p| p as u16);
                out.chosen.push(OutlinedAction { action: i, score, deferred_until, fallback_for });
            }
        }
        out.not_chosen.clear();
        out.not_chosen.extend(
            ev.fates.iter().enumerate().filter(|(_, f)| !matches!(f, Fate::Chosen { .. })).map(|(i, f)| (i as u16, *f)),
        );
        out.control_groups.clear();
        out.control_groups.extend((0..self.sops.len() as u16).filter(|&s| self.in_control_group(s as usize, &rec.id)));
    }

    /// The id tables of [`Outline`]s (see [`DecisionTables`]).
    pub fn decision_tables(&self) -> DecisionTables {
        let sop = |a: &crate::engine::ActionDef| self.sops.get(a.sop as usize).map_or(String::new(), |s| s.id.clone());
        // The key order of `Decision::tags`, whatever map type serde_json was built with.
        let mut keys = Map::new();
        for t in &self.tags {
            keys.insert(t.id.clone(), Value::Null);
        }
        DecisionTables {
            rule_set: RuleSetRef {
                id: self.id.clone(),
                version: self.version.clone(),
                content_hash: self.content_hash.clone(),
            },
            tags: self
                .tags
                .iter()
                .map(|t| {
                    let tiers = match &t.rule {
                        TagRule::Bool(_) => None,
                        TagRule::Tiers(tiers) => Some(tiers.iter().map(|x| x.0.clone()).collect()),
                    };
                    (t.id.clone(), tiers)
                })
                .collect(),
            layers: self.layers.iter().map(|l| l.id.clone()).collect(),
            actions: self
                .actions
                .iter()
                .map(|a| (a.id.clone(), sop(a), a.channel.as_str().into(), content_str(a.content).into()))
                .collect(),
            sops: self.sops.iter().map(|s| s.id.clone()).collect(),
            reasons: Fate::CODES.iter().map(|c| (*c).into()).collect(),
            tag_order: keys
                .keys()
                .filter_map(|k| self.tags.iter().position(|t| &t.id == k))
                .map(|i| i as u16)
                .collect(),
        }
    }

    fn field_json(&self, rec: &Record, slot: u16) -> Value {
        match rec.values.get(slot as usize) {
            None | Some(FieldVal::Missing) => Value::Null,
            Some(FieldVal::Num(n)) => crate::logic::value::num_to_json(*n),
            Some(FieldVal::Bool(b)) => Value::Bool(*b),
            Some(FieldVal::Str(s)) => Value::String(s.to_string()),
            Some(FieldVal::Time(t)) => Value::String(time::format_datetime(*t, self.tz)),
            Some(FieldVal::List(l)) => Value::Array(l.iter().map(|s| Value::String(s.to_string())).collect()),
            Some(FieldVal::Enum(i)) => self
                .enums
                .get(slot as usize)
                .and_then(|v| v.get(*i as usize))
                .map_or(Value::Null, |s| Value::String(s.to_string())),
        }
    }

    fn reads(&self, rec: &Record, slots: &[u16]) -> Map<String, Value> {
        // Inserted one by one: `collect` into a map would link a sort for it.
        let mut m = Map::new();
        for s in slots {
            m.insert(self.fields[*s as usize].id.clone(), self.field_json(rec, *s));
        }
        m
    }

    /// The trace of an evaluation (a decision's `trace`): every condition, in evaluation order,
    /// with the declared fields it read.
    pub fn trace(&self, rec: &Record, ctx: &Context, ev: &Evaluation) -> Vec<TraceEntry> {
        let mut out = Vec::new();
        for &t in &self.tag_order {
            let tag = &self.tags[t as usize];
            let result = match (&tag.rule, ev.tags[t as usize]) {
                (TagRule::Bool(_), v) => Value::Bool(v > 0),
                (TagRule::Tiers(_), 0) => Value::Null,
                (TagRule::Tiers(tiers), k) => {
                    tiers.get(k as usize - 1).map_or(Value::Null, |x| Value::String(x.0.clone()))
                }
            };
            out.push(TraceEntry { kind: "tag".into(), id: tag.id.clone(), result, reads: self.reads(rec, &tag.reads) });
        }
        for &l in &self.layer_order {
            let layer = &self.layers[l as usize];
            out.push(TraceEntry {
                kind: "layer".into(),
                id: layer.id.clone(),
                result: Value::Bool(ev.layers[l as usize]),
                reads: self.reads(rec, &layer.reads),
            });
        }
        for (i, a) in self.actions.iter().enumerate() {
            let cond = match &a.when {
                None => Value::Bool(true),
                Some(w) => Value::Bool(self.holds(w, rec, ctx.now, &ev.tags, &ev.layers)),
            };
            let mut result = Map::new();
            result.insert("condition".into(), cond);
            result.insert("fate".into(), Value::String(ev.fates[i].code().into()));
            if let Fate::Chosen { score, .. } | Fate::Outranked { score } = ev.fates[i] {
                result.insert("score".into(), crate::logic::value::num_to_json(score));
            }
            out.push(TraceEntry {
                kind: "action".into(),
                id: a.id.clone(),
                result: Value::Object(result),
                reads: self.reads(rec, &a.reads),
            });
        }
        out
    }

    fn reason_text(&self, i: usize, fate: Fate) -> Message {
        let a = &self.actions[i];
        let ch = a.channel.as_str();
        let t = |ms: i64| time::format_datetime(ms, self.tz);
        match fate {
            Fate::Chosen { .. } => message("已选中", "chosen"),
            Fate::FallbackNotNeeded => message(
                "非个性化备选动作，仅在客户关闭个性化推荐时替代原动作",
                "non-personalised fallback, used only when the client has opted out of personalisation",
            ),
            Fate::NotTriggered => message(
                "仅在指定事件发生时触发，本次决策不是由该事件触发",
                "runs only when its trigger event occurs; this decision was not made for that event",
            ),
            Fate::ConditionFalse => message("不满足适用条件", "its condition is not met"),
            Fate::ControlGroup => message(
                "客户属于该SOP的对照组（不触达，用于衡量效果）",
                "the client is in this SOP's control group (held out to measure uplift)",
            ),
            Fate::Suitability(SuitabilityBlock::NotAssessed) => message(
                "客户未完成风险测评，不得主动推介产品",
                "the client has no risk assessment, so no product may be recommended",
            ),
            Fate::Suitability(SuitabilityBlock::Expired(at)) => message(
                format!("风险测评已过期（测评于 {}），不得主动推介产品", t(at)),
                format!("the risk assessment of {} has expired, so no product may be recommended", t(at)),
            ),
            Fate::Suitability(SuitabilityBlock::AboveTolerance(class, max)) => {
                let s = self.suitability.as_ref();
                let class_name = s
                    .and_then(|s| self.enums.get(s.class_field as usize)?.get(class as usize).map(|x| x.to_string()))
                    .unwrap_or_default();
                let risk = |r: u16| {
                    s.and_then(|s| s.product_risks.get((r as usize).checked_sub(1)?).cloned())
                        .unwrap_or_else(|| "-".into())
                };
                let prod = risk(a.product_risk.unwrap_or(0));
                message(
                    format!(
                        "产品风险等级 {prod} 超出客户风险承受能力 {class_name}（最高 {}），不得主动推介",
                        risk(max)
                    ),
                    format!(
                        "product risk {prod} is above what investor class {class_name} may be recommended (at most {})",
                        risk(max)
                    ),
                )
            }
            Fate::Consent => {
                message(format!("客户未授权 {ch} 渠道营销触达"), format!("no marketing consent for channel {ch}"))
            }
            Fate::PersonalisationOff => {
                let fb = a.fallback.map(|f| self.actions[f as usize].id.clone());
                message(
                    format!(
                        "客户已关闭个性化推荐{}",
                        fb.as_ref().map(|f| format!("，改用非个性化动作 {f}")).unwrap_or_default()
                    ),
                    format!(
                        "the client has opted out of personalised recommendations{}",
                        fb.as_ref().map(|f| format!("; non-personalised {f} is offered instead")).unwrap_or_default()
                    ),
                )
            }
            Fate::Cooldown { until } => {
                message(format!("冷却期内，{} 之后才可再次触达", t(until)), format!("in cooldown until {}", t(until)))
            }
            Fate::Suppressed { until } => message(
                format!("客户近期多次拒绝，暂停触达至 {}", t(until)),
                format!("paused after repeated rejections until {}", t(until)),
            ),
            Fate::QuietHours => message("处于免打扰时段，动作被丢弃", "dropped: within quiet hours"),
            Fate::ChannelCap { used, max } => message(
                format!("{ch} 渠道触达已达频控上限（{used}/{max}）"),
                format!("channel {ch} frequency cap reached ({used}/{max})"),
            ),
            Fate::GlobalCap { used, max } => message(
                format!("全渠道触达已达频控上限（{used}/{max}）"),
                format!("global contact cap reached ({used}/{max})"),
            ),
            Fate::Outranked { score } => message(
                format!("得分 {} 排名靠后，超出单次决策动作数上限", fmt_score(score)),
                format!("outranked (score {}) by actions chosen within the per-decision limit", fmt_score(score)),
            ),
        }
    }

    /// The words of a decision: the reason each action of `o.not_chosen` was not chosen, in that
    /// order, and the one-sentence explanation.
    pub fn words(&self, rec: &Record, o: &Outline) -> Words {
        let messages: Vec<Message> = o.not_chosen.iter().map(|&(i, fate)| self.reason_text(i as usize, fate)).collect();
        let explanation = self.explain(rec, o, &messages);
        Words { messages, explanation }
    }

    fn explain(&self, rec: &Record, o: &Outline, messages: &[Message]) -> Names {
        let pick = |zh: bool, n: &Names| if zh { n.zh.clone() } else { n.en.clone() };
        let tag_names = |zh: bool| -> String {
            let names: Vec<String> = o
                .tags
                .iter()
                .filter_map(|&(t, k)| {
                    let tag = &self.tags[t as usize];
                    let base = pick(zh, &tag.name);
                    match &tag.rule {
                        TagRule::Tiers(tiers) => {
                            tiers.get((k as usize).checked_sub(1)?).map(|x| format!("{base}={}", pick(zh, &x.1)))
                        }
                        TagRule::Bool(_) => Some(base),
                    }
                })
                .collect();
            if names.is_empty() {
                if zh { "无".into() } else { "none".into() }
            } else {
                names.join(if zh { "、" } else { ", " })
            }
        };
        let action_text = |zh: bool| -> String {
            if o.chosen.is_empty() {
                return if zh { "本次不触达".into() } else { "no action this time".into() };
            }
            o.chosen
                .iter()
                .map(|c| {
                    let a = &self.actions[c.action as usize];
                    let name = pick(zh, &a.name);
                    let (channel, score) = (a.channel.as_str(), fmt_score(c.score));
                    let when = c.deferred_until.map(|d| time::format_datetime(d, self.tz));
                    let when = when
                        .map(|d| if zh { format!("，延至 {d}") } else { format!(", deferred to {d}") })
                        .unwrap_or_default();
                    if zh {
                        format!("{name}（{channel}，{score}{when}）")
                    } else {
                        format!("{name} ({channel}, score {score}{when})")
                    }
                })
                .collect::<Vec<_>>()
                .join(if zh { "；" } else { "; " })
        };
        let blocked: Vec<(&str, &Message)> = o
            .not_chosen
            .iter()
            .zip(messages)
            .filter(|((_, fate), _)| {
                !matches!(fate, Fate::ConditionFalse | Fate::NotTriggered | Fate::FallbackNotNeeded)
            })
            .map(|(&(i, _), m)| (self.actions[i as usize].id.as_str(), m))
            .collect();
        let blocked_text = |zh: bool| -> String {
            if blocked.is_empty() {
                return String::new();
            }
            let list: Vec<String> =
                blocked.iter().map(|(id, m)| format!("{id}: {}", if zh { &m.zh } else { &m.en })).collect();
            if zh { format!("；未选：{}", list.join("；")) } else { format!("; not chosen: {}", list.join("; ")) }
        };
        let layer = |zh: bool| o.primary.map_or_else(|| "-".to_string(), |p| pick(zh, &self.layers[p as usize].name));
        Names {
            zh: format!(
                "客户 {} 的主分层为「{}」，标签：{}；下一步动作：{}{}。",
                rec.id,
                layer(true),
                tag_names(true),
                action_text(true),
                blocked_text(true)
            ),
            en: format!(
                "Client {} is in layer \"{}\" (tags: {}); next action: {}{}.",
                rec.id,
                layer(false),
                tag_names(false),
                action_text(false),
                blocked_text(false)
            ),
        }
    }
}

/// A decision's words (see [`Engine::words`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Words {
    /// Why each not-chosen action was not chosen, in the outline's order.
    pub messages: Vec<Message>,
    pub explanation: Names,
}

/// A text of a reason: the fixed ones are not copied for every decision.
pub type Text = std::borrow::Cow<'static, str>;

/// A reason in words, in Chinese and English.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Message {
    pub zh: Text,
    pub en: Text,
}

fn message(zh: impl Into<Text>, en: impl Into<Text>) -> Message {
    Message { zh: zh.into(), en: en.into() }
}

impl From<Message> for Names {
    fn from(m: Message) -> Names {
        Names { zh: m.zh.into_owned(), en: m.en.into_owned() }
    }
}

fn fmt_score(s: f64) -> String {
    let r = (s * 1000.0).round() / 1000.0;
    crate::logic::value::js_number_string(r)
}

pub fn content_str(c: crate::schema::ContentKind) -> &'static str {
    use crate::schema::ContentKind::*;
    match c {
        Benefit => "benefit",
        Education => "education",
        Product => "product",
        Service => "service",
    }
}
