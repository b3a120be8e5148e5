//! Seeded synthetic client population for benchmarks, tests and the admin page's what-if simulation.
//!
//! Operators judge rule changes on these clients, so the population has the shape of a real internet
//! branch (`DOMAIN.md`) rather than uniform noise: a funnel with drop-off at every breakpoint, a long
//! tail of small accounts, mostly sleeping clients. Records follow the shared client-record shape:
//! keys that do not apply are omitted (never `null`), datetimes are RFC 3339 at +08:00 to the second,
//! money is rounded to the cent and `aum` is exactly cash + securities + WM in cents.
//!
//! **Determinism.** The same [`PopulationSpec`] gives byte-identical output on x86_64 and wasm32
//! (checked by [`GOLDEN_DIGEST_1000_42`]): client `i` draws from its own xoshiro256** stream seeded
//! by SplitMix64 from `(seed, i)`, and the generator is integer-only — no libm, whose results differ
//! between platforms. Skewed distributions are piecewise-uniform tables; growth (density rising
//! linearly towards today) is the maximum of two uniforms. Money is integer cents written as
//! `cents / 100`, one IEEE division that serde_json prints exactly.
//!
//! **Proportions** (of all clients unless stated; measured by the `proportions` test, 20,000 clients):
//! - registered: everyone; 10 % in this quarter's campaign (last 45 days; 7 % within 30 days), 80 %
//!   over the last 3 years with linearly growing intake, 10 % a legacy cohort 3–6 years old, without
//!   which regulatory dormancy (opened > 3 years ago) could not occur;
//! - funnel: applied 61 %; opened 85 % of applicants; funded 70 % of opened; traded 75 % of funded.
//!   Applying takes hours (55 %), days (30 %) or weeks; opening 1–3 days; the first deposit days to
//!   weeks; the first trade days. Steps not reached by `now` are left out, so every stuck state
//!   (registered without application ≥ 3 days 3 % of clients within the last month; applied not
//!   opened; opened without deposit; funded without trade) has recent members. 3.6 % of clients
//!   (6.9 % of opened) opened in the last 30 days;
//! - assets of funded clients: median ¥20.4k, 35 % under ¥10k, 10.7 % over ¥200k, 0.9 % over ¥1M.
//!   Of clients who traded, 35 % are pure traders (securities, no WM), 19 % hold only funds/WM
//!   (wealth preference), the rest mixed or cashed out; funded clients who never traded hold cash;
//! - activity: 27 % of opened accounts logged in within 30 days; 47 % are sleeping (no login for 90
//!   days, no trade for 180); 4.4 % are regulatory dormant (opened > 3 years ago, no trade for 3
//!   years, no securities, cash ≤ ¥100);
//! - risk class C1 8 %, C2 30 %, C3 35 %, C4 19 %, C5 7.5 % (traders lean higher); 10 % of opened
//!   never assessed, 12 % of the unopened assessed. Assessed while applying and redone when old and the
//!   client is around: 13 % of assessments are expired (> 730 days); only legacy clients not seen for
//!   3 years (3 %) have older ones;
//! - consent: push 70 %, SMS 55 %, WeCom 37 %, call 40 %, personalised 80 %; advisor 8 % (49 % of
//!   clients over ¥200k);
//! - events: 1–40 (mean 6.9), oldest first, derived from the timeline, so `trades_90d`,
//!   `logins_30d`, `wm_page_views_30d`, `last_login_at` and `last_trade_at` equal what the events
//!   say; trades fall in exchange hours on weekdays, logins in waking hours;
//! - contacts: 0–8 in the last 60 days (52 % of clients have some), in daytime, from the actions
//!   fitting the client's stage and only on consented channels; outcomes delivered 42 %, opened 30 %,
//!   clicked 15 %, rejected 8 %, converted 5 %.

use crate::engine::Engine;
use crate::record::{Contact, Event, FieldVal, Outcome, PropVal, Record};
use crate::schema::{Channel, FieldType, PropType};
use crate::time::{MS_PER_DAY, TimeZone, civil_from_days, format_datetime};
use serde_json::{Map, Value};

/// FNV-1a (64-bit) of `generate_ndjson` for `{size: 1000, seed: 42, now: 2026-11-25T10:00:00+08:00}`.
/// The wasm32 test asserts the same constant, proving cross-platform determinism; change it only
/// when the generator is changed on purpose.
pub const GOLDEN_DIGEST_1000_42: u64 = 0xefff_5cca_eeb0_454c;

/// Parameters of a synthetic population. Same params → byte-identical output on every platform.
#[derive(Debug, Clone, Copy)]
pub struct PopulationSpec {
    pub size: usize,
    pub seed: u64,
    /// the "today" the histories lead up to (ms since epoch)
    pub now: i64,
}

const SEC: i64 = 1_000;
const MINUTE: i64 = 60_000;
const HOUR: i64 = 3_600_000;
const DAY: i64 = MS_PER_DAY;
const MAX_EVENTS: usize = 40;
const NOW_LIMIT: i64 = 1_000_000_000_000_000;
const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

type Table<T> = [(u32, T)];
/// Spans are `[lo, hi)` in the unit the caller names (days, seconds or yuan).
type Span = (i64, i64);

#[rustfmt::skip]
const CHANNELS: &Table<&str> = &[
    (22, "app_store"), (24, "douyin"), (20, "wechat"), (12, "bank_partner"), (10, "branch_referral"), (12, "search_ads"),
];
/// The originating (承揽) branches; the big-city ones bring most online clients.
#[rustfmt::skip]
const BRANCHES: &Table<&str> = &[
    (20, "BR-SH-01"), (12, "BR-SH-02"), (12, "BR-BJ-01"), (9, "BR-GZ-01"), (9, "BR-SZ-01"), (8, "BR-HZ-01"),
    (6, "BR-NJ-01"), (6, "BR-CD-01"), (5, "BR-WH-01"), (5, "BR-XA-01"), (4, "BR-CQ-01"), (4, "BR-TJ-01"),
];
const AGES: &Table<Span> =
    &[(14, (18, 25)), (36, (25, 35)), (25, (35, 45)), (14, (45, 55)), (8, (55, 65)), (3, (65, 76))];
/// Seconds from registration to application: hours, days, or weeks for the hesitant.
const APPLY_DELAY: &Table<Span> = &[(55, (1_800, 172_800)), (30, (172_800, 1_209_600)), (15, (1_209_600, 10_368_000))];
/// Seconds from opening to the first deposit, and from the deposit to the first trade.
const DEPOSIT_DELAY: &Table<Span> = &[(40, (600, 259_200)), (35, (259_200, 1_209_600)), (25, (1_209_600, 5_184_000))];
const TRADE_DELAY: &Table<Span> = &[(50, (300, 259_200)), (35, (259_200, 1_209_600)), (15, (1_209_600, 3_888_000))];
/// Days since the last login by funnel stage (unopened, unfunded, funded, traded); clamped to the
/// client's last milestone, so recent clients are active whatever is drawn here.
const RECENCY: [&Table<Span>; 4] = [
    &[(10, (0, 30)), (12, (30, 90)), (30, (90, 365)), (48, (365, 2200))],
    &[(8, (0, 30)), (12, (30, 90)), (30, (90, 365)), (50, (365, 2200))],
    &[(14, (0, 30)), (14, (30, 90)), (30, (90, 365)), (42, (365, 2200))],
    &[(25, (0, 30)), (18, (30, 90)), (26, (90, 365)), (31, (365, 2200))],
];
/// Seconds between the last trade and the last login.
const TRADE_GAP: &Table<Span> = &[(35, (0, 86_400)), (30, (86_400, 5_184_000)), (35, (5_184_000, 62_208_000))];
/// Total assets of funded clients in yuan: long tail, median ≈ ¥20k.
#[rustfmt::skip]
const AUM: &Table<Span> = &[
    (50, (100, 1_000)), (115, (1_000, 5_000)), (120, (5_000, 10_000)), (155, (10_000, 20_000)),
    (200, (20_000, 50_000)), (130, (50_000, 100_000)), (110, (100_000, 200_000)), (75, (200_000, 500_000)),
    (30, (500_000, 1_000_000)), (7, (1_000_000, 3_000_000)), (3, (3_000_000, 10_000_000)),
];
const COUNTS_FEW: &Table<Span> = &[(30, (0, 1)), (35, (1, 4)), (25, (4, 9)), (10, (9, 13))];
const COUNTS_MANY: &Table<Span> = &[(25, (0, 1)), (40, (1, 5)), (25, (5, 13)), (10, (13, 26))];
const CONTACTS_N: &Table<Span> = &[(40, (0, 1)), (30, (1, 3)), (22, (3, 6)), (8, (6, 9))];
const PAGES: [&Table<&str>; 3] = [
    &[(30, "home"), (25, "market"), (10, "fund"), (5, "wm"), (20, "account_opening"), (10, "benefit")],
    &[(34, "home"), (38, "market"), (12, "fund"), (6, "wm"), (10, "benefit")],
    &[(20, "home"), (15, "market"), (35, "fund"), (25, "wm"), (5, "benefit")],
];
const RISK: &Table<u8> = &[(8, 1), (32, 2), (36, 3), (18, 4), (6, 5)];
const OUTCOMES: &Table<&str> = &[(42, "delivered"), (30, "opened"), (15, "clicked"), (8, "rejected"), (5, "converted")];
const HOLDINGS: [&str; 6] = ["stock", "etf", "fund", "wm", "bond", "convertible"];
/// Trade products per style; a style's products match the holdings it produces.
const PRODUCTS: [&Table<&str>; 4] = [
    &[(60, "stock"), (20, "etf"), (12, "convertible"), (8, "bond")],
    &[(45, "stock"), (15, "etf"), (25, "fund"), (10, "wm"), (5, "bond")],
    &[(70, "fund"), (30, "wm")],
    &[(70, "stock"), (30, "etf")],
];
/// (action id, channel); a contact's channel always matches its action.
#[rustfmt::skip]
static ACTIONS: [(&str, &str); 14] = [
    ("prospect_benefit_sms", "sms"), ("prospect_education_push", "push"),
    ("application_service_agent", "advisor_assignment"), ("welcome_benefit_push", "push"),
    ("welcome_service_call", "outbound_call"), ("first_trade_guide_wecom", "wecom"),
    ("first_trade_guide_in_app", "in_app"), ("high_potential_advisor", "advisor_assignment"),
    ("wm_fund_recommendation_push", "push"), ("wm_education_push", "push"),
    ("equity_fund_recommendation_wecom", "wecom"), ("winback_benefit_sms", "sms"),
    ("winback_service_call", "outbound_call"), ("winback_education_push", "push"),
];
/// Per style: cash share of the assets, then the funds/WM share of the rest, in percent ranges.
/// Pure traders hold no WM, the wealth-preference style only WM, the cashed-out style only cash.
const SPLIT: [(Span, Span); 4] = [((5, 40), (0, 0)), ((5, 30), (20, 60)), ((2, 20), (100, 100)), ((0, 10), (0, 0))];
/// Exchange sessions (09:30–11:30, 13:00–15:00: see [`Rng::daytime`]) and waking hours, ms into the day.
const SESSION: Span = (9 * HOUR + 30 * MINUTE, 13 * HOUR + 30 * MINUTE);
const WAKING: Span = (7 * HOUR, 24 * HOUR);

#[derive(Clone, Copy, PartialEq, Default)]
enum Style {
    #[default]
    Trader,
    Mixed,
    WealthPref,
    CashedOut,
}

/// The high 64 bits of the 128-bit product `a · b` without a 128-bit multiply, which wasm32
/// lacks (the compiler's general routine, `__multi3`, is slow). Every `n` the generator draws
/// below fits 32 bits: then two 64-bit products give the exact result; larger ones take four.
#[cfg_attr(not(any(test, target_arch = "wasm32")), allow(dead_code))]
fn mul_high_u32_parts(a: u64, b: u64) -> u64 {
    let (a0, a1) = (a & 0xffff_ffff, a >> 32);
    if b >> 32 == 0 {
        return (a1 * b + ((a0 * b) >> 32)) >> 32;
    }
    let (b0, b1) = (b & 0xffff_ffff, b >> 32);
    // `black_box` keeps LLVM from recognising the pattern (one store and load of a register).
    let (p00, p01, p10, p11) = (a0 * b0, a0 * b1, a1 * b0, std::hint::black_box(a1 * b1));
    let mid = (p00 >> 32) + (p01 & 0xffff_ffff) + (p10 & 0xffff_ffff);
    p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32)
}

#[cfg(target_arch = "wasm32")]
fn mul_high(a: u64, b: u64) -> u64 {
    mul_high_u32_parts(a, b)
}

#[cfg(not(target_arch = "wasm32"))]
fn mul_high(a: u64, b: u64) -> u64 {
    ((u128::from(a) * u128::from(b)) >> 64) as u64
}

/// xoshiro256**, seeded per client by SplitMix64: fast, and identical on every platform.
struct Rng([u64; 4]);

fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(GOLDEN_GAMMA);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    fn new(seed: u64, i: usize) -> Rng {
        let mut s = seed;
        let mut sm = splitmix(&mut s) ^ i as u64; // bijective in `i`: distinct clients, distinct streams
        let _ = splitmix(&mut sm);
        Rng([splitmix(&mut sm), splitmix(&mut sm), splitmix(&mut sm), splitmix(&mut sm)])
    }
    fn next(&mut self) -> u64 {
        let s = &mut self.0;
        let out = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        out
    }
    /// Uniform in `[0, n)` (Lemire's multiply-high; the tiny bias is irrelevant here).
    fn below(&mut self, n: u64) -> u64 {
        mul_high(self.next(), n)
    }
    /// Uniform in `[lo, hi)`; `lo` when the range is empty.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo { lo } else { lo + self.below(hi.abs_diff(lo)) as i64 }
    }
    fn chance(&mut self, permille: u64) -> bool {
        self.below(1000) < permille
    }
    /// A weighted choice; `T::default()` only for an empty table (none exists).
    fn pick<T: Copy + Default>(&mut self, table: &Table<T>) -> T {
        let total: u64 = table.iter().map(|&(w, _)| u64::from(w)).sum();
        let mut x = self.below(total);
        for &(w, v) in table {
            if x < u64::from(w) {
                return v;
            }
            x -= u64::from(w);
        }
        T::default()
    }
    fn span(&mut self, table: &Table<Span>) -> i64 {
        let (lo, hi) = self.pick(table);
        self.range(lo, hi)
    }
    /// A whole-second instant in `[lo, hi]` (`lo` if empty).
    fn time(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.range(0, (hi - lo) / SEC + 1) * SEC
    }
    /// Moves `t` to a random second in `[from, to)` ms of its local (+08:00) day — the previous
    /// Friday for a weekend when `weekdays` — if that stays within `[lo, hi]`: people act in waking
    /// hours and trade in exchange hours (09:30–11:30, 13:00–15:00 when `to - from` spans 4 hours of
    /// session), which matters for quiet-hour rules.
    fn daytime(&mut self, t: i64, (lo, hi): Span, (from, to): Span, weekdays: bool) -> i64 {
        let day = (t + 8 * HOUR).div_euclid(DAY);
        let back = if weekdays { [0, 0, 0, 0, 0, 1, 2][(day + 3).rem_euclid(7) as usize] } else { 0 };
        let mut ms = self.range(from / SEC, to / SEC) * SEC;
        if weekdays && ms >= 11 * HOUR + 30 * MINUTE {
            ms += 90 * MINUTE; // lunch break
        }
        let c = (day - back) * DAY - 8 * HOUR + ms;
        if c >= lo && c <= hi { c } else { t }
    }
}

#[derive(Clone, Copy)]
enum Kind {
    Login,
    Page(&'static str),
    Application,
    Opened,
    Deposit(i64),
    Withdrawal(i64),
    Trade(i64, &'static str),
    Risk(u8),
}

struct Rec {
    id: String,
    reg: i64,
    applied: Option<i64>,
    opened: Option<i64>,
    deposit: Option<(i64, i64)>,
    first_trade: Option<i64>,
    last_trade: Option<i64>,
    last_login: i64,
    /// (cash, securities, wm) in cents, for opened accounts.
    assets: Option<(i64, i64, i64)>,
    holdings: u8,
    counts: [u64; 3], // trades 90 d, logins 30 d, wm page views 30 d
    risk: Option<(u8, i64)>,
    age: i64,
    channel: &'static str,
    branch: &'static str,
    advisor: bool,
    consent: [bool; 5], // call, push, sms, wecom, personalised
    events: Vec<(i64, Kind)>,
    contacts: Vec<(i64, usize, &'static str)>,
}

fn build(spec: &PopulationSpec, i: usize) -> Rec {
    let g = &mut Rng::new(spec.seed, i);
    // Clamped (±31,000 years) so no arithmetic below can overflow; whole seconds for the timeline.
    let now_exact = spec.now.clamp(-NOW_LIMIT, NOW_LIMIT);
    let now = now_exact - now_exact.rem_euclid(SEC);
    let ago = match g.below(100) {
        0..10 => g.range(0, 45 * DAY), // this quarter's campaign
        10..90 => 1095 * DAY - g.range(0, 1065 * DAY).max(g.range(0, 1065 * DAY)), // intake grows linearly
        _ => g.range(1095 * DAY, 2190 * DAY),
    };
    let reg = g.daytime(now - ago / SEC * SEC, (now - 2200 * DAY, now), WAKING, false);
    let before_now = |t: i64| Some(t).filter(|&t| t <= now);
    let applied = if g.chance(620) { before_now(reg + g.span(APPLY_DELAY) * SEC) } else { None };
    let opened = applied.filter(|_| g.chance(860)).and_then(|a| before_now(g.time(a + DAY, a + 3 * DAY)));
    let dep_at = opened.filter(|_| g.chance(720)).and_then(|o| before_now(o + g.span(DEPOSIT_DELAY) * SEC));
    let first_trade = dep_at.filter(|_| g.chance(770)).and_then(|d| {
        let t = d + g.span(TRADE_DELAY) * SEC;
        before_now(g.daytime(t, (d, now), SESSION, true))
    });
    let style = g.pick(&[(35, Style::Trader), (35, Style::Mixed), (20, Style::WealthPref), (10, Style::CashedOut)]);
    let wm_curious = (first_trade.is_some() && style == Style::WealthPref) || g.chance(200);
    let stage = [opened, dep_at, first_trade].iter().filter(|t| t.is_some()).count();
    let milestone = first_trade.or(dep_at).or(opened).or(applied).unwrap_or(reg);
    let target = now - g.span(RECENCY[stage]) * DAY - g.range(0, 86_400) * SEC;
    let last_login = target.max(milestone + g.range(60, 7_200) * SEC).min(now);
    let last_login = g.daytime(last_login, (milestone, now), WAKING, false);
    let last_trade = first_trade.map(|t1| {
        let t = (last_login - g.span(TRADE_GAP) * SEC).max(t1);
        g.daytime(t, (t1, last_login), SESSION, true)
    });

    // Risk: assessed while applying; reassessed later when the first one is old and the client is around.
    let risk_class = (g.pick(RISK) + u8::from(style == Style::Trader && g.chance(250))).min(5);
    let risk_at = match (applied, opened) {
        (Some(a), Some(_)) if g.chance(900) => {
            let first = a + g.range(300, 3_600) * SEC;
            let redo_lo = first.max(now - 1094 * DAY);
            Some(if (first < now - 600 * DAY && g.chance(450)) || first < now - 1094 * DAY {
                if redo_lo <= last_login { g.time(redo_lo, last_login) } else { first }
            } else {
                first
            })
        }
        (Some(a), None) if g.chance(500) => Some(g.time(a, last_login.min(a + 3_600 * SEC))),
        (None, _) if g.chance(30) => Some(g.time(reg, last_login)),
        _ => None,
    };

    // Assets (cents). Regulatory dormant: opened > 3 years ago, no trade for 3 years, (almost) empty.
    let years3 = now - 1095 * DAY;
    let dormant = opened.is_some_and(|o| o < years3)
        && last_trade.is_none_or(|t| t < years3)
        && last_login < now - 90 * DAY
        && (dep_at.is_none() || g.chance(600));
    let base = g.span(AUM) * 100 + g.range(0, 100);
    let deposit = dep_at.map(|d| (d, ((base * g.range(60, 131) / 100 + 5_000) / 10_000 * 10_000).max(10_000)));
    let assets = opened.map(|_| match (deposit, first_trade.is_some()) {
        (None, _) => (0, 0, 0),
        _ if dormant => (g.range(0, 10_001), 0, 0),
        (Some((_, amt)), false) => (amt, 0, 0),
        _ => {
            let ((c_lo, c_hi), (w_lo, w_hi)) = SPLIT[style as usize];
            let cash = base * g.range(c_lo, c_hi) / 100;
            let wm = (base - cash) * g.range(w_lo, w_hi) / 100;
            if style == Style::CashedOut { (cash, 0, 0) } else { (cash, base - cash - wm, wm) }
        }
    });
    let (cash, sec, wm) = assets.unwrap_or((0, 0, 0));
    let aum = cash + sec + wm;
    let mut holdings = 0u8;
    if sec > 0 {
        for (bit, pm) in [(0, 900), (1, 400), (4, 100), (5, 150)] {
            holdings |= u8::from(g.chance(pm)) << bit;
        }
        holdings |= u8::from(holdings == 0); // at least stock
    }
    if wm > 0 {
        holdings |= u8::from(g.chance(850)) << 2 | u8::from(g.chance(450)) << 3;
        holdings |= u8::from(holdings & 0b1100 == 0) << 2; // at least fund
    }

    // Events, built from the timeline so that the counters below are exactly what they say.
    let mut ev: Vec<(i64, Kind)> = Vec::with_capacity(24);
    ev.extend(applied.map(|a| (a, Kind::Application)));
    ev.extend(opened.map(|o| (o, Kind::Opened)));
    ev.extend(deposit.map(|(d, amt)| (d, Kind::Deposit(amt))));
    ev.extend(risk_at.map(|t| (t, Kind::Risk(risk_class))));
    if let Some((d, amt)) = deposit.filter(|&(_, amt)| amt > aum && (dormant || style == Style::CashedOut)) {
        ev.push((g.time(last_trade.unwrap_or(d), last_login), Kind::Withdrawal(amt - aum)));
    }
    let trade = |g: &mut Rng, t: i64| {
        let amount = (base.max(aum) * g.range(3, 60) / 100).max(10_000);
        (t, Kind::Trade(amount, g.pick(PRODUCTS[style as usize])))
    };
    if let (Some(t1), Some(lt)) = (first_trade, last_trade) {
        ev.push(trade(g, t1));
        if lt != t1 {
            ev.push(trade(g, lt));
        }
        let lo = (now - 90 * DAY + SEC).max(t1);
        let n = if lt >= lo { g.span(if style == Style::Trader { COUNTS_MANY } else { COUNTS_FEW }) } else { 0 };
        for _ in 0..n.min(12) {
            let t = g.time(lo, lt);
            let t = g.daytime(t, (lo, lt), SESSION, true);
            ev.push(trade(g, t));
        }
        for _ in 0..if t1 < now - 90 * DAY { g.below(3) } else { 0 } {
            let t = g.time(t1, lt.min(now - 90 * DAY));
            ev.push(trade(g, t));
        }
    }
    // Page views and logins in the 30-day window, plus a little older history when there is any.
    let (lo30, old_hi) = ((now - 30 * DAY + SEC).max(reg), last_login.min(now - 30 * DAY));
    let old = |g: &mut Rng, n: i64| if reg < old_hi { g.range(0, n) } else { 0 };
    let pages = PAGES[if wm_curious { 2 } else { usize::from(opened.is_some()) }];
    let n = if last_login >= lo30 { g.span(COUNTS_FEW).min(6) } else { 0 };
    for k in 0..n + old(g, 2) {
        let t = if k < n { g.time(lo30, last_login) } else { g.time(reg, old_hi) };
        ev.push((t, Kind::Page(g.pick(pages))));
    }
    ev.push((last_login, Kind::Login));
    let older = old(g, 3) as usize;
    // At most about one login a day: a client seen for two hours did not log in ten times.
    let n = if last_login >= lo30 { g.span(COUNTS_MANY).min((last_login - lo30) / DAY + 1) as usize } else { 0 };
    for k in 0..(n + older).min(MAX_EVENTS - ev.len()) {
        let t = if k < older { g.time(reg, old_hi) } else { g.time(lo30, last_login) };
        ev.push((g.daytime(t, (reg, last_login), WAKING, false), Kind::Login));
    }
    crate::sort::sort_hot_by(&mut ev, |a, b| a.0.cmp(&b.0));
    let count = |days: i64, f: fn(&Kind) -> bool| ev.iter().filter(|e| e.0 > now_exact - days * DAY && f(&e.1)).count();
    let counts = [
        count(90, |k| matches!(k, Kind::Trade(..))) as u64,
        count(30, |k| matches!(k, Kind::Login)) as u64,
        count(30, |k| matches!(k, Kind::Page("fund" | "wm"))) as u64,
    ];

    let advisor_pm = match aum {
        50_000_000.. => 600,
        20_000_000.. => 450,
        5_000_000.. => 160,
        _ if dep_at.is_some() => 80,
        _ if opened.is_some() => 60,
        _ => 40,
    };
    let advisor = g.chance(advisor_pm);
    let consent =
        [g.chance(400), g.chance(700), g.chance(550), g.chance(350) || (advisor && g.chance(500)), g.chance(800)];

    // Past contacts: actions fitting the stage, on consented channels, in the last 60 days.
    let cands: &[usize] = match (applied, opened, dep_at, first_trade) {
        (None, ..) => &[0, 1],
        (_, None, ..) => &[2, 1],
        (_, _, None, _) => &[3, 4],
        (.., None) => &[5, 6],
        _ if last_login < now - 60 * DAY => &[11, 12, 13],
        _ if opened.is_some_and(|o| o > now - 60 * DAY) && aum >= 5_000_000 => &[7, 8],
        _ if wm_curious => &[8, 9, 10],
        _ => &[8, 10],
    };
    let allowed = |a: &usize| match ACTIONS[*a].1 {
        "outbound_call" => consent[0],
        "push" => consent[1],
        "sms" => consent[2],
        "wecom" => consent[3],
        _ => true,
    };
    let cands: Vec<usize> = cands.iter().copied().filter(allowed).collect();
    let lo60 = (now - 60 * DAY + SEC).max(milestone);
    let mut contacts = Vec::new();
    if !cands.is_empty() && lo60 < now {
        for _ in 0..g.span(CONTACTS_N) {
            let action = cands[g.below(cands.len() as u64) as usize];
            let t = g.time(lo60, now);
            contacts.push((g.daytime(t, (lo60, now), (9 * HOUR, 20 * HOUR), false), action, g.pick(OUTCOMES)));
        }
    }
    crate::sort::sort_hot_by(&mut contacts, |a, b| a.0.cmp(&b.0));
    Rec {
        id: {
            let mut id = vec![b'c'];
            push_num(&mut id, i as u64, 7);
            ascii(id)
        },
        reg,
        applied,
        opened,
        deposit,
        first_trade,
        last_trade,
        last_login,
        assets,
        holdings,
        counts,
        risk: risk_at.map(|t| (risk_class, t)),
        age: g.span(AGES),
        channel: g.pick(CHANNELS),
        branch: g.pick(BRANCHES),
        advisor,
        consent,
        events: ev,
        contacts,
    }
}

/// A JSON value as the writers see it; money in cents and times in ms keep the generator integer-only.
#[derive(Clone, Copy)]
enum Scalar<'a> {
    Str(&'a str),
    Time(i64),
    Money(i64),
    Int(u64),
    Bool(bool),
}

/// Declares [`K`], the closed set of keys the generator writes, with their JSON names.
macro_rules! keys {
    ($($k:ident = $name:literal),* $(,)?) => {
        /// A key the generator writes. A closed set, so a writer that reads records looks each
        /// one up once per rule set ([`RecordPlan`]) instead of once per client.
        #[derive(Clone, Copy, PartialEq, Eq, Debug)]
        enum K { $($k),* }

        impl K {
            const ALL: &[K] = &[$(K::$k),*];

            fn name(self) -> &'static str {
                match self { $(K::$k => $name),* }
            }
        }
    };
}

keys! {
    // No key: the root, or an array element.
    Item = "",
    AccountOpenedAt = "account_opened_at", AcquisitionChannel = "acquisition_channel", Age = "age",
    AppliedAt = "applied_at", Aum = "aum", CashBalance = "cash_balance", ConsentCall = "consent_call",
    ConsentPush = "consent_push", ConsentSms = "consent_sms", ConsentWecom = "consent_wecom",
    Contacts = "contacts", Events = "events", FirstDepositAmount = "first_deposit_amount",
    FirstDepositAt = "first_deposit_at", FirstTradeAt = "first_trade_at", HasAdvisor = "has_advisor",
    Holdings = "holdings", Id = "id", LastLoginAt = "last_login_at", LastTradeAt = "last_trade_at",
    Logins30d = "logins_30d", OriginBranch = "origin_branch", PersonalisedOk = "personalised_ok",
    RegisteredAt = "registered_at", RiskAssessedAt = "risk_assessed_at", RiskClass = "risk_class",
    SecuritiesValue = "securities_value", Trades90d = "trades_90d", WmHoldingsValue = "wm_holdings_value",
    WmPageViews30d = "wm_page_views_30d",
    // Members of events and contacts.
    Action = "action", Amount = "amount", At = "at", Channel = "channel", Class = "class",
    Outcome = "outcome", Page = "page", Product = "product", Type = "type",
}

/// The event types the generator writes (a `static`, so each name has one address).
static EVENT_TYPES: [&str; 8] = [
    "login",
    "page_view",
    "account_application",
    "account_opened",
    "deposit",
    "withdrawal",
    "trade",
    "risk_assessment",
];

/// One record writer, two targets (text and `Value`), so `client()` and `generate_ndjson()` cannot
/// drift apart. Keys are written in sorted order, the order of serde_json's default `Map`;
/// [`K::Item`] is "no key" (the root, or an array element).
trait Sink<'r> {
    fn open(&mut self, key: K, array: bool);
    fn close(&mut self, array: bool);
    /// `v` borrows from the record being written (`'r`), so a writer may keep it while writing.
    fn put(&mut self, key: K, v: Scalar<'r>);
    /// An optional key: omitted, never `null`, when it does not apply.
    fn opt(&mut self, key: K, v: Option<Scalar<'r>>) {
        if let Some(v) = v {
            self.put(key, v);
        }
    }
}

fn emit<'r>(r: &'r Rec, s: &mut impl Sink<'r>) {
    use Scalar::{Bool, Int, Money, Str, Time};
    s.open(K::Item, false);
    s.opt(K::AccountOpenedAt, r.opened.map(Time));
    s.put(K::AcquisitionChannel, Str(r.channel));
    s.put(K::Age, Int(r.age.unsigned_abs()));
    s.opt(K::AppliedAt, r.applied.map(Time));
    s.opt(K::Aum, r.assets.map(|(cash, sec, wm)| Money(cash + sec + wm)));
    s.opt(K::CashBalance, r.assets.map(|a| Money(a.0)));
    for (k, &v) in [K::ConsentCall, K::ConsentPush, K::ConsentSms, K::ConsentWecom].into_iter().zip(&r.consent) {
        s.put(k, Bool(v));
    }
    s.open(K::Contacts, true);
    for &(at, a, outcome) in &r.contacts {
        s.open(K::Item, false);
        s.put(K::Action, Str(ACTIONS[a].0));
        s.put(K::At, Time(at));
        s.put(K::Channel, Str(ACTIONS[a].1));
        s.put(K::Outcome, Str(outcome));
        s.close(false);
    }
    s.close(true);
    s.open(K::Events, true);
    for &(at, kind) in &r.events {
        s.open(K::Item, false);
        let (name, amount, prop) = match kind {
            Kind::Login => (EVENT_TYPES[0], None, None),
            Kind::Page(p) => (EVENT_TYPES[1], None, Some((K::Page, p))),
            Kind::Application => (EVENT_TYPES[2], None, None),
            Kind::Opened => (EVENT_TYPES[3], None, None),
            Kind::Deposit(a) => (EVENT_TYPES[4], Some(a), None),
            Kind::Withdrawal(a) => (EVENT_TYPES[5], Some(a), None),
            Kind::Trade(a, p) => (EVENT_TYPES[6], Some(a), Some((K::Product, p))),
            Kind::Risk(c) => (EVENT_TYPES[7], None, Some((K::Class, risk_name(c)))),
        };
        s.opt(K::Amount, amount.map(Money));
        s.put(K::At, Time(at));
        if let Some((k, v)) = prop {
            s.put(k, Str(v));
        }
        s.put(K::Type, Str(name));
        s.close(false);
    }
    s.close(true);
    s.opt(K::FirstDepositAmount, r.deposit.map(|d| Money(d.1)));
    s.opt(K::FirstDepositAt, r.deposit.map(|d| Time(d.0)));
    s.opt(K::FirstTradeAt, r.first_trade.map(Time));
    s.put(K::HasAdvisor, Bool(r.advisor));
    if r.assets.is_some() {
        s.open(K::Holdings, true);
        for (bit, name) in HOLDINGS.iter().enumerate() {
            if r.holdings >> bit & 1 == 1 {
                s.put(K::Item, Str(name));
            }
        }
        s.close(true);
    }
    s.put(K::Id, Str(&r.id));
    s.put(K::LastLoginAt, Time(r.last_login));
    s.opt(K::LastTradeAt, r.last_trade.map(Time));
    s.put(K::Logins30d, Int(r.counts[1]));
    s.put(K::OriginBranch, Str(r.branch));
    s.put(K::PersonalisedOk, Bool(r.consent[4]));
    s.put(K::RegisteredAt, Time(r.reg));
    s.opt(K::RiskAssessedAt, r.risk.map(|(_, t)| Time(t)));
    s.opt(K::RiskClass, r.risk.map(|(c, _)| Str(risk_name(c))));
    s.opt(K::SecuritiesValue, r.assets.map(|a| Money(a.1)));
    s.opt(K::Trades90d, r.assets.map(|_| Int(r.counts[0])));
    s.opt(K::WmHoldingsValue, r.assets.map(|a| Money(a.2)));
    s.put(K::WmPageViews30d, Int(r.counts[2]));
    s.close(false);
}

fn risk_name(c: u8) -> &'static str {
    ["C1", "C2", "C3", "C4", "C5"][usize::from(c.clamp(1, 5) - 1)]
}

/// Appends `v` in decimal, zero-padded to at least `width` digits. The writers work on bytes:
/// pushing `char`s one at a time costs more than generating the client.
fn push_num(out: &mut Vec<u8>, mut v: u64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut i = buf.len();
    while v > 0 || buf.len() - i < width.clamp(1, 20) {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    out.extend_from_slice(&buf[i..]);
}

/// Cents as serde_json prints `cents as f64 / 100.0` (shortest round-trip: "12.5", "100.0", "0.05").
fn push_money(out: &mut Vec<u8>, cents: i64) {
    let c = cents.unsigned_abs();
    if cents < 0 {
        out.push(b'-');
    }
    push_num(out, c / 100, 1);
    out.push(b'.');
    if c % 10 == 0 { push_num(out, c % 100 / 10, 1) } else { push_num(out, c % 100, 2) }
}

/// RFC 3339 at +08:00 without `fmt`; anything unusual falls back to [`format_datetime`].
fn push_time(out: &mut Vec<u8>, ms: i64) {
    let secs = ms.div_euclid(SEC) + 8 * 3_600;
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    if ms.rem_euclid(SEC) != 0 || !(0..=9_999).contains(&y) {
        out.extend_from_slice(format_datetime(ms, TimeZone::SHANGHAI).as_bytes());
        return;
    }
    let s = secs.rem_euclid(86_400);
    let mut b = *b"0000-00-00T00:00:00+08:00";
    for (at, v) in [(3, y), (6, m.into()), (9, d.into()), (12, s / 3600), (15, s / 60 % 60), (18, s % 60)] {
        b[at] = b'0' + (v % 10) as u8;
        b[at - 1] = b'0' + (v / 10 % 10) as u8;
    }
    b[0] = b'0' + (y / 1000) as u8;
    b[1] = b'0' + (y / 100 % 10) as u8;
    out.extend_from_slice(&b);
}

/// The writers emit only ASCII, so the lossy branch never runs; it spares an `unwrap`.
fn ascii(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

struct Text<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl Text<'_> {
    fn key(&mut self, key: K) {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        if key != K::Item {
            self.out.push(b'"');
            self.out.extend_from_slice(key.name().as_bytes());
            self.out.extend_from_slice(b"\":");
        }
    }
}

impl<'r> Sink<'r> for Text<'_> {
    fn open(&mut self, key: K, array: bool) {
        self.key(key);
        self.out.push(if array { b'[' } else { b'{' });
        self.first = true;
    }
    fn close(&mut self, array: bool) {
        self.out.push(if array { b']' } else { b'}' });
        self.first = false;
    }
    fn put(&mut self, key: K, v: Scalar<'r>) {
        self.key(key);
        match v {
            Scalar::Str(s) => {
                // Every string written here is an ASCII identifier or id: nothing to escape.
                self.out.push(b'"');
                self.out.extend_from_slice(s.as_bytes());
                self.out.push(b'"');
            }
            Scalar::Time(t) => {
                self.out.push(b'"');
                push_time(self.out, t);
                self.out.push(b'"');
            }
            Scalar::Money(c) => push_money(self.out, c),
            Scalar::Int(n) => push_num(self.out, n, 1),
            Scalar::Bool(b) => self.out.extend_from_slice(if b { b"true" } else { b"false" }),
        }
    }
}

#[derive(Default)]
struct Tree {
    stack: Vec<(K, Value)>,
    root: Value,
}

impl Tree {
    fn add(&mut self, key: K, v: Value) {
        match self.stack.last_mut() {
            Some((_, Value::Object(m))) => {
                m.insert(key.name().to_owned(), v);
            }
            Some((_, Value::Array(a))) => a.push(v),
            _ => self.root = v,
        }
    }
}

impl<'r> Sink<'r> for Tree {
    fn open(&mut self, key: K, array: bool) {
        self.stack.push((key, if array { Value::Array(Vec::new()) } else { Value::Object(Map::new()) }));
    }
    fn close(&mut self, _array: bool) {
        if let Some((key, v)) = self.stack.pop() {
            self.add(key, v);
        }
    }
    fn put(&mut self, key: K, v: Scalar<'r>) {
        let v = match v {
            Scalar::Str(s) => Value::String(s.to_owned()),
            Scalar::Time(t) => {
                let mut s = Vec::with_capacity(25);
                push_time(&mut s, t);
                Value::String(ascii(s))
            }
            Scalar::Money(c) => Value::from(c as f64 / 100.0), // exact: |c| < 2^53, one IEEE division
            Scalar::Int(n) => Value::from(n),
            Scalar::Bool(b) => Value::Bool(b),
        };
        self.add(key, v);
    }
}

/// How the generator's keys and names map to one rule set's slots, worked out once per rule set
/// (a client's ~30 fields, ~7 events and ~2 contacts would otherwise each take a hash lookup).
#[derive(Debug, Clone)]
pub struct RecordPlan {
    /// Per key ([`K`] as index): the declared field it fills, with its type.
    fields: Vec<Option<(u16, FieldType)>>,
    /// Per [`EVENT_TYPES`] entry: the declared event type, if the rule set declares it.
    event_types: [Option<u16>; EVENT_TYPES.len()],
    /// Per declared event type: each declared property's generator key (`None`: the generator
    /// never writes it) and type.
    props: Vec<Vec<(Option<K>, PropType)>>,
    /// Per [`ACTIONS`] entry: the rule set's action and the contact's channel.
    actions: [(Option<u16>, Option<Channel>); ACTIONS.len()],
}

impl RecordPlan {
    pub fn new(e: &Engine) -> RecordPlan {
        let slot = |k: K| e.field_slots.get(k.name()).map(|s| (s, e.fields[s as usize].ty));
        let member = |name: &str| K::ALL.iter().copied().find(|k| *k != K::Item && k.name() == name);
        RecordPlan {
            fields: K::ALL.iter().map(|&k| slot(k)).collect(),
            event_types: EVENT_TYPES.map(|t| e.event_slots.get(t)),
            props: e
                .events
                .iter()
                .map(|def| def.props.iter().map(|(name, ty)| (member(name), *ty)).collect())
                .collect(),
            actions: ACTIONS.map(|(a, c)| (e.action_slots.get(a), Channel::parse(c))),
        }
    }
}

/// A writer that reads the client straight into a [`Record`] for one rule set: the record
/// `engine.read_client_text` makes of the client's JSON text, without writing and parsing the
/// text. It gives up (`ok = false`) wherever that reader could report a problem, so the caller
/// takes the text path, whose reader says what is wrong.
struct RecordSink<'e, 'r> {
    e: &'e Engine,
    plan: &'e RecordPlan,
    ok: bool,
    id: Option<Box<str>>,
    values: Vec<FieldVal>,
    events: Vec<Event>,
    contacts: Vec<Contact>,
    /// The list being written.
    list: List,
    /// Members of the event or contact being written.
    item: Vec<(K, Scalar<'r>)>,
    /// Items of a list field being written.
    strings: Vec<Box<str>>,
}

/// Which list a [`RecordSink`] is in.
#[derive(Clone, Copy, PartialEq)]
enum List {
    None,
    Events,
    Contacts,
    /// A declared list field (its slot), or an undeclared key (`None`: not read).
    Field(Option<u16>),
}

/// The index of the item named `name`: by address first (the generator passes the names of its
/// own `static` tables), then by text.
fn position<T>(items: &[T], name: &str, key: impl Fn(&T) -> &str) -> Option<usize> {
    items.iter().position(|x| std::ptr::eq(key(x), name)).or_else(|| items.iter().position(|x| key(x) == name))
}

impl<'r> RecordSink<'_, 'r> {
    fn field(&mut self, key: K, v: &Scalar<'r>) {
        let Some((slot, ty)) = self.plan.fields[key as usize] else { return };
        let slot = slot as usize;
        let val = match (ty, v) {
            (FieldType::Number, Scalar::Money(c)) => FieldVal::Num(*c as f64 / 100.0),
            (FieldType::Number | FieldType::Integer, Scalar::Int(n)) => FieldVal::Num(*n as f64),
            (FieldType::Integer, Scalar::Money(c)) if c % 100 == 0 => FieldVal::Num((c / 100) as f64),
            (FieldType::Boolean, Scalar::Bool(b)) => FieldVal::Bool(*b),
            (FieldType::String, Scalar::Str(s)) => FieldVal::Str((*s).into()),
            (FieldType::String, Scalar::Time(t)) => {
                let mut text = Vec::with_capacity(25);
                push_time(&mut text, *t);
                FieldVal::Str(ascii(text).into())
            }
            (FieldType::Datetime, Scalar::Time(t)) => FieldVal::Time(*t),
            (FieldType::Enum, Scalar::Str(s)) => {
                match self.e.enums.get(slot).and_then(|vs| vs.iter().position(|v| **v == **s)) {
                    Some(i) => FieldVal::Enum(i as u16),
                    None => {
                        self.ok = false;
                        return;
                    }
                }
            }
            _ => {
                self.ok = false;
                return;
            }
        };
        self.values[slot] = val;
    }

    fn get(&self, key: K) -> Option<Scalar<'r>> {
        self.item.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    fn event(&mut self) {
        let Some(Scalar::Str(ty)) = self.get(K::Type) else { return self.ok = false };
        let event_type = match position(&EVENT_TYPES, ty, |t| t) {
            Some(i) => self.plan.event_types[i],
            None => self.e.event_slots.get(ty),
        };
        let Some(event_type) = event_type else { return };
        let Some(Scalar::Time(at)) = self.get(K::At) else { return self.ok = false };
        let mut props = Vec::with_capacity(self.plan.props[event_type as usize].len());
        for &(key, ty) in &self.plan.props[event_type as usize] {
            props.push(match (key.and_then(|k| self.get(k)), ty) {
                (None, _) => PropVal::Missing,
                (Some(Scalar::Money(c)), PropType::Number) => PropVal::Num(c as f64 / 100.0),
                (Some(Scalar::Int(n)), PropType::Number) => PropVal::Num(n as f64),
                (Some(Scalar::Str(s)), PropType::String) => PropVal::Str(s.into()),
                (Some(Scalar::Bool(b)), PropType::Boolean) => PropVal::Bool(b),
                _ => return self.ok = false,
            });
        }
        self.events.push(Event { event_type, at, props: props.into() });
    }

    fn contact(&mut self) {
        // The generator writes an action of its table and that action's channel.
        let (action, channel) = match (self.get(K::Action), self.get(K::Channel)) {
            (Some(Scalar::Str(a)), Some(Scalar::Str(c))) => {
                match position(&ACTIONS, a, |x| x.0).filter(|&i| std::ptr::eq(ACTIONS[i].1, c)) {
                    Some(i) => self.plan.actions[i],
                    None => (self.e.action_slots.get(a), Channel::parse(c)),
                }
            }
            (a, Some(Scalar::Str(c))) => {
                let action = if let Some(Scalar::Str(a)) = a { self.e.action_slots.get(a) } else { None };
                (action, Channel::parse(c))
            }
            _ => (None, None),
        };
        let outcome = match self.get(K::Outcome) {
            Some(Scalar::Str(o)) => Outcome::parse(o),
            _ => Some(Outcome::Delivered),
        };
        let (Some(channel), Some(outcome), Some(Scalar::Time(at))) = (channel, outcome, self.get(K::At)) else {
            return self.ok = false;
        };
        self.contacts.push(Contact { action, channel, at, outcome });
    }
}

impl<'r> Sink<'r> for RecordSink<'_, 'r> {
    fn open(&mut self, key: K, array: bool) {
        if !array {
            self.item.clear();
            return;
        }
        self.list = match key {
            K::Events => List::Events,
            K::Contacts => List::Contacts,
            _ => match self.plan.fields[key as usize] {
                Some((slot, FieldType::List)) => {
                    self.strings.clear();
                    List::Field(Some(slot))
                }
                Some(_) => {
                    self.ok = false;
                    List::Field(None)
                }
                None => List::Field(None),
            },
        };
    }

    fn close(&mut self, array: bool) {
        match (array, self.list) {
            (true, List::Field(Some(slot))) => {
                self.values[slot as usize] = FieldVal::List(std::mem::take(&mut self.strings).into());
                self.list = List::None;
            }
            (true, _) => self.list = List::None,
            (false, List::Events) => self.event(),
            (false, List::Contacts) => self.contact(),
            (false, _) => {}
        }
    }

    fn put(&mut self, key: K, v: Scalar<'r>) {
        match self.list {
            List::None if key == K::Id => match v {
                Scalar::Str(s) if !s.is_empty() => self.id = Some(s.into()),
                _ => self.ok = false,
            },
            List::None => self.field(key, &v),
            List::Events | List::Contacts => self.item.push((key, v)),
            List::Field(Some(_)) => match v {
                Scalar::Str(s) => self.strings.push(s.into()),
                _ => self.ok = false,
            },
            List::Field(None) => {}
        }
    }
}

/// Client `i` read straight into a record for `engine`: the record
/// `engine.read_client_text` makes of [`client_json`]'s text, several times faster. `None` where
/// that reader could find a problem (a field declared with a type the generator's value does not
/// have, a required field the client lacks): read the text then, to get the diagnostics.
/// `plan` is [`RecordPlan::new`] of `engine`, made once for many clients.
pub fn client_record(spec: &PopulationSpec, i: usize, engine: &Engine, plan: &RecordPlan) -> Option<Record> {
    let rec = build(spec, i);
    let mut sink = RecordSink {
        e: engine,
        plan,
        ok: true,
        id: None,
        values: vec![FieldVal::Missing; engine.fields.len()],
        events: Vec::with_capacity(rec.events.len()),
        contacts: Vec::with_capacity(rec.contacts.len()),
        list: List::None,
        item: Vec::new(),
        strings: Vec::new(),
    };
    emit(&rec, &mut sink);
    if !sink.ok || engine.fields.iter().zip(&sink.values).any(|(f, v)| f.required && *v == FieldVal::Missing) {
        return None;
    }
    crate::sort::sort_hot_by(&mut sink.events, |a, b| a.at.cmp(&b.at));
    crate::sort::sort_hot_by(&mut sink.contacts, |a, b| a.at.cmp(&b.at));
    Some(Record { id: sink.id?, values: sink.values, events: sink.events, contacts: sink.contacts })
}

/// Client `i` of the population (independent of the others: client i's stream is seeded from (seed, i)), as a JSON object.
pub fn client(spec: &PopulationSpec, i: usize) -> Value {
    let mut tree = Tree::default();
    emit(&build(spec, i), &mut tree);
    tree.root
}

/// Client `i` as compact JSON text, appended to `out` (the same text as one line of
/// [`generate_ndjson`]).
pub fn client_json(spec: &PopulationSpec, i: usize, out: &mut Vec<u8>) {
    emit(&build(spec, i), &mut Text { out, first: true });
}

/// All clients.
pub fn generate(spec: &PopulationSpec) -> Vec<Value> {
    (0..spec.size).map(|i| client(spec, i)).collect()
}

/// All clients as NDJSON (one compact JSON object per line, '\n' after each), written straight into
/// the string: byte-identical to `serde_json::to_string(&client(spec, i))` per line, several times faster.
pub fn generate_ndjson(spec: &PopulationSpec) -> String {
    let mut out = Vec::new();
    // ≈ 1.2 kB a client; a good guess avoids copying a gigabyte when the buffer doubles.
    let _ = out.try_reserve(spec.size.saturating_mul(1_250));
    for i in 0..spec.size {
        client_json(spec, i, &mut out);
        out.push(b'\n');
    }
    ascii(out)
}

#[cfg(test)]
mod tests {

    #[test]
    fn multiply_high_from_32_bit_parts_is_exact() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut values = vec![0, 1, 2, 3, 1000, u64::from(u32::MAX), 1 << 32, u64::MAX - 1, u64::MAX];
        for _ in 0..10_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            values.push(x);
        }
        for (k, &a) in values.iter().enumerate() {
            for &b in values.iter().skip(k % 97).step_by(97) {
                assert_eq!(mul_high_u32_parts(a, b), ((u128::from(a) * u128::from(b)) >> 64) as u64, "{a} * {b}");
            }
        }
    }
    use super::*;
    use crate::time::parse_datetime;

    fn spec(size: usize, seed: u64) -> PopulationSpec {
        let now = parse_datetime("2026-11-25T10:00:00+08:00", TimeZone::SHANGHAI).unwrap();
        PopulationSpec { size, seed, now }
    }

    fn fnv1a(bytes: &[u8]) -> u64 {
        bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
    }

    fn time(v: &Value, key: &str) -> Option<i64> {
        v.get(key).map(|s| parse_datetime(s.as_str().unwrap(), TimeZone::SHANGHAI).unwrap())
    }

    fn cents(v: &Value, key: &str) -> Option<i64> {
        v.get(key).map(|n| {
            let x = n.as_f64().unwrap();
            let c = (x * 100.0).round();
            assert_eq!(c / 100.0, x, "{key} = {x} is not whole cents");
            c as i64
        })
    }

    fn channel_of(action: &str) -> &'static str {
        let suffixes = [
            ("_push", "push"),
            ("_sms", "sms"),
            ("_wecom", "wecom"),
            ("_call", "outbound_call"),
            ("_advisor", "advisor_assignment"),
            ("_agent", "advisor_assignment"),
            ("_in_app", "in_app"),
        ];
        suffixes.iter().find(|(s, _)| action.ends_with(s)).map(|&(_, c)| c).unwrap()
    }

    /// Asserts the record shape and every internal consistency rule the brief lists.
    fn check(c: &Value, now: i64) {
        let o = c.as_object().unwrap();
        const KEYS: [&str; 30] = [
            "id",
            "registered_at",
            "applied_at",
            "account_opened_at",
            "first_deposit_at",
            "first_deposit_amount",
            "first_trade_at",
            "last_login_at",
            "last_trade_at",
            "aum",
            "cash_balance",
            "securities_value",
            "wm_holdings_value",
            "trades_90d",
            "logins_30d",
            "wm_page_views_30d",
            "risk_class",
            "risk_assessed_at",
            "age",
            "acquisition_channel",
            "origin_branch",
            "has_advisor",
            "consent_push",
            "consent_sms",
            "consent_wecom",
            "consent_call",
            "personalised_ok",
            "holdings",
            "events",
            "contacts",
        ];
        for (k, v) in o {
            assert!(KEYS.contains(&k.as_str()), "unknown key {k}");
            assert!(!v.is_null(), "{k} is null");
        }
        assert!(o["id"].as_str().unwrap().starts_with('c'));
        for k in ["has_advisor", "consent_push", "consent_sms", "consent_wecom", "consent_call", "personalised_ok"] {
            assert!(o[k].is_boolean(), "{k}");
        }
        for k in ["logins_30d", "wm_page_views_30d", "age"] {
            assert!(o[k].is_u64(), "{k}");
        }
        assert!((18..=75).contains(&o["age"].as_u64().unwrap()));
        assert!(CHANNELS.iter().any(|&(_, n)| n == o["acquisition_channel"]));
        assert!(BRANCHES.iter().any(|&(_, n)| n == o["origin_branch"]));
        // Funnel order and presence.
        let chain = ["registered_at", "applied_at", "account_opened_at", "first_deposit_at", "first_trade_at"];
        let times: Vec<Option<i64>> = chain.iter().map(|k| time(c, k)).collect();
        assert!(times[0].is_some());
        for w in times.windows(2) {
            match (w[0], w[1]) {
                (Some(a), Some(b)) => assert!(a <= b, "{c}"),
                (None, Some(_)) => panic!("later milestone without earlier: {c}"),
                _ => {}
            }
        }
        let opened = times[2].is_some();
        let reg = times[0].unwrap();
        let last_login = time(c, "last_login_at").unwrap();
        assert!(last_login <= now && last_login >= reg);
        assert!(times.iter().flatten().all(|&t| t <= last_login && t <= now));
        assert_eq!(time(c, "first_deposit_at").is_some(), o.contains_key("first_deposit_amount"));
        assert_eq!(times[4].is_some(), o.contains_key("last_trade_at"));
        if let (Some(f), Some(l)) = (times[4], time(c, "last_trade_at")) {
            assert!(f <= l && l <= last_login);
        }
        // Assets and holdings.
        for k in ["aum", "cash_balance", "securities_value", "wm_holdings_value", "holdings", "trades_90d"] {
            assert_eq!(o.contains_key(k), opened, "{k}");
        }
        if opened {
            let [aum, cash, sec, wm] =
                ["aum", "cash_balance", "securities_value", "wm_holdings_value"].map(|k| cents(c, k).unwrap());
            assert!(cash >= 0 && sec >= 0 && wm >= 0);
            assert_eq!(aum, cash + sec + wm);
            let h: Vec<&str> = o["holdings"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
            assert!(h.iter().all(|x| HOLDINGS.contains(x)));
            assert_eq!(sec > 0, h.iter().any(|x| ["stock", "etf", "bond", "convertible"].contains(x)), "{c}");
            assert_eq!(wm > 0, h.iter().any(|x| ["fund", "wm"].contains(x)), "{c}");
        }
        if let Some(r) = o.get("risk_class") {
            assert!(["C1", "C2", "C3", "C4", "C5"].contains(&r.as_str().unwrap()));
        }
        assert_eq!(o.contains_key("risk_class"), o.contains_key("risk_assessed_at"));
        // Events.
        let events = o["events"].as_array().unwrap();
        assert!(events.len() <= MAX_EVENTS);
        let mut prev = i64::MIN;
        let (mut logins, mut trades, mut wm_views, mut trade_times, mut login_max) = (0, 0, 0, vec![], i64::MIN);
        for e in events {
            let at = time(e, "at").unwrap();
            assert!(at >= prev && at <= now && at >= reg, "{c}");
            prev = at;
            let props: Vec<&str> = e.as_object().unwrap().keys().map(String::as_str).collect();
            let ty = e["type"].as_str().unwrap();
            let want: &[&str] = match ty {
                "login" | "account_application" | "account_opened" => &["at", "type"],
                "page_view" => &["at", "page", "type"],
                "deposit" | "withdrawal" => &["amount", "at", "type"],
                "trade" => &["amount", "at", "product", "type"],
                "risk_assessment" => &["at", "class", "type"],
                _ => panic!("event type {ty}"),
            };
            assert_eq!(props, want);
            if let Some(a) = e.get("amount") {
                assert!(a.as_f64().unwrap() > 0.0);
            }
            match ty {
                "login" => {
                    logins += i32::from(at > now - 30 * DAY);
                    login_max = login_max.max(at);
                }
                "page_view" => {
                    let page = e["page"].as_str().unwrap();
                    assert!(["home", "market", "fund", "wm", "account_opening", "benefit"].contains(&page));
                    wm_views += i32::from(at > now - 30 * DAY && (page == "fund" || page == "wm"));
                }
                "trade" => {
                    assert!(HOLDINGS.contains(&e["product"].as_str().unwrap()));
                    trades += i32::from(at > now - 90 * DAY);
                    trade_times.push(at);
                }
                "account_application" => assert_eq!(Some(at), time(c, "applied_at")),
                "account_opened" => assert_eq!(Some(at), time(c, "account_opened_at")),
                "deposit" => {
                    assert_eq!(Some(at), time(c, "first_deposit_at"));
                    assert_eq!(cents(e, "amount"), cents(c, "first_deposit_amount"));
                }
                "risk_assessment" => {
                    assert_eq!(Some(at), time(c, "risk_assessed_at"));
                    assert_eq!(e.get("class"), o.get("risk_class"));
                }
                _ => {}
            }
        }
        let count = |ty: &str| events.iter().filter(|e| e["type"] == ty).count();
        for (ty, key) in [
            ("account_application", "applied_at"),
            ("account_opened", "account_opened_at"),
            ("deposit", "first_deposit_at"),
            ("risk_assessment", "risk_assessed_at"),
        ] {
            assert_eq!(count(ty), usize::from(o.contains_key(key)), "{ty}");
        }
        assert_eq!(o["logins_30d"], logins);
        assert_eq!(o["wm_page_views_30d"], wm_views);
        assert_eq!(login_max, last_login);
        if opened {
            assert_eq!(o["trades_90d"], trades);
        }
        assert_eq!(trade_times.first().copied(), times[4]);
        assert_eq!(trade_times.last().copied(), time(c, "last_trade_at"));
        // Contacts.
        let contacts = o["contacts"].as_array().unwrap();
        assert!(contacts.len() <= 8);
        let mut prev = i64::MIN;
        for k in contacts {
            let props: Vec<&str> = k.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(props, ["action", "at", "channel", "outcome"]);
            let at = time(k, "at").unwrap();
            assert!(at >= prev && at <= now && at > now - 60 * DAY && at >= reg);
            prev = at;
            let action = k["action"].as_str().unwrap();
            assert!(ACTIONS.iter().any(|a| a.0 == action));
            assert_eq!(k["channel"], channel_of(action));
            assert!(OUTCOMES.iter().any(|&(_, n)| n == k["outcome"]));
        }
    }

    #[test]
    fn deterministic_and_seed_sensitive() {
        let a = generate_ndjson(&spec(300, 7));
        assert_eq!(a, generate_ndjson(&spec(300, 7)));
        assert_ne!(a, generate_ndjson(&spec(300, 8)));
        assert_eq!(a.lines().count(), 300);
        assert!(a.ends_with('\n'));
        // Client i does not depend on the population size.
        assert!(a.starts_with(&generate_ndjson(&spec(100, 7))));
    }

    #[test]
    fn client_generate_and_ndjson_agree() {
        let s = spec(500, 3);
        let all = generate(&s);
        let text = generate_ndjson(&s);
        for (i, (v, line)) in all.iter().zip(text.lines()).enumerate() {
            assert_eq!(*v, client(&s, i));
            assert_eq!(serde_json::to_string(v).unwrap(), line, "client {i}");
            assert_eq!(v["id"], format!("c{i:07}"));
        }
    }

    #[test]
    fn writers_match_serde_and_time_module() {
        let mut st = 1u64;
        for k in 0..200_000i64 {
            let c = if k < 100_000 { k } else { (splitmix(&mut st) % 100_000_000_000) as i64 };
            let mut s = Vec::new();
            push_money(&mut s, c);
            assert_eq!(ascii(s), serde_json::to_string(&Value::from(c as f64 / 100.0)).unwrap());
            let ms = (splitmix(&mut st) % 400_000_000_000_000) as i64 - 200_000_000_000_000;
            let ms = if k % 2 == 0 { ms - ms.rem_euclid(SEC) } else { ms };
            let mut s = Vec::new();
            push_time(&mut s, ms);
            assert_eq!(ascii(s), format_datetime(ms, TimeZone::SHANGHAI));
        }
    }

    #[test]
    fn shape_and_consistency() {
        let s = spec(20_000, 11);
        for i in 0..s.size {
            check(&client(&s, i), s.now);
        }
        // A `now` with milliseconds and odd epochs still gives consistent records.
        for now in [s.now + 999, 0, 86_400_000 * 365 * 8] {
            let s = PopulationSpec { size: 2_000, seed: 5, now };
            generate(&s).iter().for_each(|c| check(c, now));
        }
    }

    #[test]
    fn extreme_now_does_not_panic() {
        for now in [i64::MIN, i64::MIN + 1, -1, i64::MAX] {
            let out = generate_ndjson(&PopulationSpec { size: 50, seed: u64::MAX, now });
            assert_eq!(out.lines().count(), 50);
        }
        assert!(generate_ndjson(&PopulationSpec { size: 0, seed: 0, now: 0 }).is_empty());
    }

    #[test]
    fn proportions() {
        let s = spec(20_000, 2026);
        let now = s.now;
        let all = generate(&s);
        let n = all.len() as f64;
        let has = |c: &Value, k: &str| c.get(k).is_some();
        let days_since = |c: &Value, k: &str| time(c, k).map(|t| (now - t) / DAY);
        let share = |f: &dyn Fn(&Value) -> bool, among: &dyn Fn(&Value) -> bool| {
            let base: Vec<&Value> = all.iter().filter(|c| among(c)).collect();
            base.iter().filter(|c| f(c)).count() as f64 / base.len().max(1) as f64
        };
        let any = |_: &Value| true;
        let opened = |c: &Value| has(c, "account_opened_at");
        let funded = |c: &Value| has(c, "first_deposit_at");
        let report = std::cell::RefCell::new(Vec::new());
        let bad = std::cell::RefCell::new(Vec::new());
        let stat = |name: &str, v: f64, lo: f64, hi: f64| {
            report.borrow_mut().push(format!("{name:<48} {:>6.1} %", v * 100.0));
            if !(lo..=hi).contains(&v) {
                bad.borrow_mut().push(format!("{name} = {v:.4} not in {lo}..={hi}"));
            }
        };
        stat("registered within 30 days", share(&|c| days_since(c, "registered_at") < Some(30), &any), 0.04, 0.09);
        stat("registered over 3 years ago", share(&|c| days_since(c, "registered_at") > Some(1095), &any), 0.07, 0.13);
        stat("applied / all", share(&|c| has(c, "applied_at"), &any), 0.55, 0.65);
        stat("opened / applied", share(&opened, &|c| has(c, "applied_at")), 0.80, 0.90);
        stat("funded / opened", share(&funded, &opened), 0.65, 0.75);
        stat("traded / funded", share(&|c| has(c, "first_trade_at"), &funded), 0.70, 0.80);
        let recent = |c: &Value| days_since(c, "account_opened_at").is_some_and(|d| d < 30);
        stat("opened within 30 days / all", share(&recent, &any), 0.025, 0.06);
        stat("opened within 30 days / opened", share(&recent, &opened), 0.05, 0.12);
        let stuck_reg = |c: &Value| !has(c, "applied_at") && (3..30).contains(&days_since(c, "registered_at").unwrap());
        let stuck_app = |c: &Value| {
            !opened(c)
                && days_since(c, "applied_at")
                    .is_some_and(|d| (2..30).contains(&d) || (now - time(c, "applied_at").unwrap()) > 2 * DAY && d < 30)
        };
        let stuck_open =
            |c: &Value| !funded(c) && days_since(c, "account_opened_at").is_some_and(|d| (3..30).contains(&d));
        let stuck_fund = |c: &Value| {
            !has(c, "first_trade_at") && days_since(c, "first_deposit_at").is_some_and(|d| (7..30).contains(&d))
        };
        stat("recent stuck: registered, no application ≥ 3 d", share(&stuck_reg, &any), 0.005, 0.05);
        stat("recent stuck: applied, not opened > 2 d", share(&stuck_app, &any), 0.001, 0.03);
        stat("recent stuck: opened, no deposit ≥ 3 d", share(&stuck_open, &any), 0.001, 0.03);
        stat("recent stuck: funded, no trade ≥ 7 d", share(&stuck_fund, &any), 0.0005, 0.03);
        let mut aums: Vec<i64> = all.iter().filter(|c| funded(c)).map(|c| cents(c, "aum").unwrap()).collect();
        aums.sort_unstable();
        let median = aums[aums.len() / 2] as f64 / 100.0;
        report.borrow_mut().push(format!("{:<48} {median:>8.0} CNY", "median aum of funded"));
        assert!((12_000.0..=30_000.0).contains(&median), "median {median}");
        let aum_share = |f: &dyn Fn(i64) -> bool| aums.iter().filter(|&&a| f(a)).count() as f64 / aums.len() as f64;
        stat("funded with aum < 10k", aum_share(&|a| a < 1_000_000), 0.28, 0.42);
        stat("funded with aum > 200k", aum_share(&|a| a > 20_000_000), 0.07, 0.13);
        stat("funded with aum > 1M", aum_share(&|a| a > 100_000_000), 0.004, 0.02);
        let money = |c: &Value, k: &str| cents(c, k).unwrap_or(0);
        stat(
            "traded: wm/funds only",
            share(&|c| money(c, "wm_holdings_value") > 0 && money(c, "securities_value") == 0, &|c| {
                has(c, "first_trade_at")
            }),
            0.12,
            0.25,
        );
        stat(
            "traded: pure traders (securities, no wm)",
            share(&|c| money(c, "wm_holdings_value") == 0 && money(c, "securities_value") > 0, &|c| {
                has(c, "first_trade_at")
            }),
            0.2,
            0.45,
        );
        let active = |c: &Value| days_since(c, "last_login_at") < Some(30);
        stat("opened: active (login within 30 d)", share(&active, &opened), 0.15, 0.30);
        let sleeping = |c: &Value| {
            days_since(c, "last_login_at") >= Some(90) && days_since(c, "last_trade_at").is_none_or(|d| d >= 180)
        };
        stat("opened: sleeping (no login 90 d, no trade 180 d)", share(&sleeping, &opened), 0.30, 0.65);
        let dormant = |c: &Value| {
            days_since(c, "account_opened_at") > Some(1095)
                && days_since(c, "last_trade_at").is_none_or(|d| d > 1095)
                && money(c, "securities_value") == 0
                && money(c, "cash_balance") <= 10_000
        };
        stat("opened: regulatory dormant", share(&dormant, &opened), 0.01, 0.10);
        stat("opened: never risk-assessed", share(&|c| !has(c, "risk_class"), &opened), 0.07, 0.13);
        stat("unopened: risk-assessed", share(&|c| has(c, "risk_class"), &|c| !opened(c)), 0.01, 0.2);
        stat(
            "assessed: expired (> 730 d)",
            share(&|c| days_since(c, "risk_assessed_at") > Some(730), &|c| has(c, "risk_class")),
            0.03,
            0.3,
        );
        stat(
            "assessed: older than 3 years",
            share(&|c| days_since(c, "risk_assessed_at") > Some(1095), &|c| has(c, "risk_class")),
            0.0,
            0.05,
        );
        for (class, lo, hi) in
            [("C1", 0.04, 0.12), ("C2", 0.25, 0.4), ("C3", 0.3, 0.42), ("C4", 0.14, 0.26), ("C5", 0.03, 0.1)]
        {
            stat(
                &format!("assessed: {class}"),
                share(&|c| c["risk_class"] == class, &|c| has(c, "risk_class")),
                lo,
                hi,
            );
        }
        for (k, lo, hi) in [
            ("consent_push", 0.65, 0.75),
            ("consent_sms", 0.5, 0.6),
            ("consent_wecom", 0.3, 0.45),
            ("consent_call", 0.35, 0.45),
            ("personalised_ok", 0.75, 0.85),
            ("has_advisor", 0.05, 0.11),
        ] {
            stat(k, share(&|c| c[k] == true, &any), lo, hi);
        }
        stat(
            "has_advisor among aum > 200k",
            share(&|c| c["has_advisor"] == true, &|c| money(c, "aum") > 20_000_000),
            0.3,
            0.7,
        );
        let contacts: Vec<&Value> = all.iter().flat_map(|c| c["contacts"].as_array().unwrap()).collect();
        let outcome = |o: &str| contacts.iter().filter(|k| k["outcome"] == o).count() as f64 / contacts.len() as f64;
        stat("contacts: rejected", outcome("rejected"), 0.06, 0.10);
        stat("contacts: converted", outcome("converted"), 0.02, 0.08);
        stat("clients with contacts", share(&|c| !c["contacts"].as_array().unwrap().is_empty(), &any), 0.3, 0.7);
        for (action, _) in ACTIONS {
            assert!(contacts.iter().any(|k| k["action"] == action), "{action} never contacted");
        }
        let events: usize = all.iter().map(|c| c["events"].as_array().unwrap().len()).sum();
        report.borrow_mut().push(format!("{:<48} {:>6.1}", "mean events per client", events as f64 / n));
        report.borrow_mut().push(format!("{:<48} {:>6.2}", "mean contacts per client", contacts.len() as f64 / n));
        println!("{}", report.borrow().join("\n"));
        assert!(bad.borrow().is_empty(), "{:#?}", bad.borrow());
    }

    #[test]
    fn golden_digest() {
        let s = spec(1000, 42);
        let digest = fnv1a(generate_ndjson(&s).as_bytes());
        println!("GOLDEN_DIGEST_1000_42 = {digest:#018x}");
        assert_eq!(digest, GOLDEN_DIGEST_1000_42);
    }
}
