// The default pack written by hand as plain JavaScript `if`s: what a front-end team would write
// without a rules engine. Tags, tiers, layers, action conditions and scores are specialised code;
// the policy gates (control groups, suitability, consent, cooldown, suppression, caps, top-k) are the
// shared pipeline in lib/pack.mjs, which every peer also uses.

import { compilePolicy } from '../lib/pack.mjs';
import { parseTime, MS_PER_DAY, MS_PER_HOUR } from '../lib/domain.mjs';

export const name = 'handwritten';
export const label = 'hand-written JS';

export function load({ rules, nowMs }) {
  const now = nowMs;
  const policy = compilePolicy(rules, now);
  const A = Object.fromEntries(policy.ids.map((id, i) => [id, i]));
  const nA = policy.ids.length;
  const days = (t) => (now - t) / MS_PER_DAY;

  function decide(c) {
    const registered = parseTime(c.registered_at);
    const applied = parseTime(c.applied_at);
    const opened = parseTime(c.account_opened_at);
    const deposited = parseTime(c.first_deposit_at);
    const traded = parseTime(c.first_trade_at);
    const lastLogin = parseTime(c.last_login_at);
    const lastTrade = parseTime(c.last_trade_at);
    const assessed = parseTime(c.risk_assessed_at);
    const aum = c.aum;
    const hasAum = aum != null;
    const aumN = hasAum ? aum : 0;

    // One pass over the events for every event-window operator of the pack.
    let wmViews30 = 0;
    let logins30 = 0;
    let firstDeposit = null;
    let deposits30 = 0;
    let withdrawals30 = 0;
    let lastPage7 = null;
    let lastApplication = null;
    let fastWithdrawal = false;
    let latestDeposit90 = null;
    const ev = c.events;
    if (Array.isArray(ev)) {
      for (let k = 0; k < ev.length; k++) {
        const e = ev[k];
        const ty = e.type;
        if (ty !== 'page_view' && ty !== 'login' && ty !== 'deposit' && ty !== 'withdrawal' && ty !== 'account_application') continue;
        const at = parseTime(e.at);
        if (at == null || at > now) continue;
        const age = now - at;
        if (ty === 'page_view') {
          if (age <= 30 * MS_PER_DAY && (e.page === 'fund' || e.page === 'wm')) wmViews30++;
          if (age <= 7 * MS_PER_DAY) lastPage7 = e.page ?? null;
        } else if (ty === 'login') {
          if (age <= 30 * MS_PER_DAY) logins30++;
        } else if (ty === 'deposit') {
          if (firstDeposit === null) firstDeposit = e.amount ?? null;
          if (age <= 30 * MS_PER_DAY && typeof e.amount === 'number') deposits30 += e.amount;
          if (age <= 90 * MS_PER_DAY) latestDeposit90 = at;
        } else if (ty === 'withdrawal') {
          if (age <= 30 * MS_PER_DAY && typeof e.amount === 'number') withdrawals30 += e.amount;
          if (age <= 90 * MS_PER_DAY && latestDeposit90 !== null && at - latestDeposit90 <= 7 * MS_PER_DAY) fastWithdrawal = true;
        } else {
          lastApplication = at;
        }
      }
    }

    const tags = {};
    const browsedNotOpened = registered != null && days(registered) >= 3 && !c.applied_at && !c.account_opened_at;
    const applicationAbandoned = applied != null && days(applied) > 2 && !c.account_opened_at;
    const openedNotFunded = !!c.account_opened_at && !c.first_deposit_at;
    const fundedNotTraded = !!c.first_deposit_at && !c.first_trade_at;
    const newClient = opened != null && days(opened) < 30;
    const effective = aumN >= 10000;
    let assetBand = null;
    if (hasAum) {
      if (aum < 10000) assetBand = 'lt_10k';
      else if (aum < 50000) assetBand = '10k_50k';
      else if (aum < 200000) assetBand = '50k_200k';
      else if (aum < 1000000) assetBand = '200k_1m';
      else assetBand = 'ge_1m';
    }
    const longTail = opened != null && hasAum && aum < 100000;
    const active30 =
      opened != null && ((lastLogin != null && days(lastLogin) < 30) || (lastTrade != null && days(lastTrade) < 30));
    const slipping =
      opened != null &&
      lastLogin != null &&
      lastLogin > opened &&
      days(lastLogin) >= 30 &&
      days(lastLogin) < 90 &&
      !active30;
    const sleeping =
      opened != null &&
      days(opened) >= 90 &&
      (lastLogin == null || days(lastLogin) >= 90) &&
      (lastTrade == null || days(lastTrade) >= 180);
    const cash = c.cash_balance;
    const dormant =
      c.securities_value === 0 &&
      cash != null &&
      cash <= 100 &&
      ((lastTrade != null && days(lastTrade) >= 1095) || (lastTrade == null && opened != null && days(opened) > 1095));
    const holdings = c.holdings;
    const wmViews = c.wm_page_views_30d;
    const wmPreference =
      (Array.isArray(holdings) && (holdings.includes('fund') || holdings.includes('wm'))) ||
      (wmViews ?? 0) >= 3 ||
      wmViews30 >= 3;
    const trades = c.trades_90d ?? 0;
    const tradingStyle =
      trades >= 30 ? 'high_frequency' : trades >= 5 ? 'regular' : trades >= 1 ? 'occasional' : opened != null ? 'none' : null;
    const rc = c.risk_class;
    const riskProfile =
      rc === 'C1' || rc === 'C2'
        ? 'conservative'
        : rc === 'C3'
          ? 'balanced'
          : rc === 'C4' || rc === 'C5'
            ? 'aggressive'
            : !rc
              ? 'unassessed'
              : null;
    const riskExpired = assessed == null || days(assessed) > 730;
    const strongFirstDeposit = (c.first_deposit_amount ?? 0) >= 50000 || (firstDeposit ?? 0) >= 50000;
    const engagedNew = (c.logins_30d ?? 0) >= 8 || logins30 >= 8;
    const fundsOutflow = withdrawals30 - deposits30 >= 10000;
    const reachable = c.consent_push === true || c.consent_sms === true || c.consent_wecom === true || c.consent_call === true;

    if (browsedNotOpened) tags.browsed_not_opened = true;
    if (applicationAbandoned) tags.application_abandoned = true;
    if (openedNotFunded) tags.opened_not_funded = true;
    if (fundedNotTraded) tags.funded_not_traded = true;
    if (newClient) tags.new_client = true;
    if (effective) tags.effective_client = true;
    if (assetBand) tags.asset_band = assetBand;
    if (longTail) tags.long_tail = true;
    if (active30) tags.active_30d = true;
    if (slipping) tags.slipping = true;
    if (sleeping) tags.sleeping = true;
    if (dormant) tags.dormant = true;
    if (wmPreference) tags.wm_preference = true;
    if (tradingStyle) tags.trading_style = tradingStyle;
    if (riskProfile) tags.risk_profile = riskProfile;
    if (riskExpired) tags.risk_assessment_expired = true;
    if (strongFirstDeposit) tags.strong_first_deposit = true;
    if (engagedNew) tags.engaged_new = true;
    if (fundsOutflow) tags.funds_outflow = true;
    if (fastWithdrawal) tags.deposit_withdrawn_fast = true;
    if (reachable) tags.reachable = true;

    const winback = dormant || sleeping;
    const highPotential = newClient && (strongFirstDeposit || engagedNew);
    const prospect = browsedNotOpened || applicationAbandoned;
    const layer = winback
      ? 'sleeping_winback'
      : highPotential
        ? 'high_potential_new'
        : openedNotFunded || fundedNotTraded
          ? 'new_to_activate'
          : prospect
            ? 'prospect'
            : assetBand === 'ge_1m'
              ? 'core_value'
              : longTail && wmPreference && (effective || !!c.first_deposit_at)
                ? 'wm_long_tail'
                : longTail && (tradingStyle === 'high_frequency' || tradingStyle === 'regular')
                  ? 'active_trader_long_tail'
                  : 'long_tail_other';

    const funded = !!c.first_deposit_at;
    const eligible = new Array(nA).fill(false);
    eligible[A.application_service_agent] =
      !c.account_opened_at && !c.has_advisor && lastApplication != null && (now - lastApplication) / MS_PER_HOUR <= 24;
    eligible[A.welcome_benefit_push] = newClient && openedNotFunded;
    eligible[A.welcome_service_call] = newClient && (openedNotFunded || fundedNotTraded) && days(opened ?? now) >= 3;
    eligible[A.first_trade_guide_wecom] = fundedNotTraded && !winback;
    eligible[A.first_trade_guide_in_app] = fundedNotTraded;
    eligible[A.prospect_benefit_sms] =
      (applicationAbandoned && days(applied) <= 30) || (browsedNotOpened && days(registered) <= 90);
    eligible[A.prospect_education_push] =
      prospect && ((registered != null && days(registered) <= 180) || (lastLogin != null && days(lastLogin) < 30));
    eligible[A.high_potential_advisor] = highPotential && !c.has_advisor && !fastWithdrawal;
    eligible[A.wm_fund_recommendation_push] = wmPreference && funded && !winback;
    eligible[A.equity_fund_recommendation_wecom] =
      effective && (wmPreference || tradingStyle === 'high_frequency' || tradingStyle === 'regular') && !winback;
    eligible[A.winback_benefit_sms] =
      winback &&
      ((lastLogin != null && days(lastLogin) <= 365) || (lastLogin == null && (opened == null ? 0 : days(opened)) <= 365));
    eligible[A.winback_service_call] = effective && (winback || fundsOutflow);
    eligible[A.winback_education_push] = winback || slipping;

    const score = (i) => {
      if (i === A.wm_fund_recommendation_push) {
        const propensity = Math.min(0.5, 0.05 + 0.05 * Math.max(wmViews ?? 0, wmViews30));
        const context = lastPage7 === 'fund' || lastPage7 === 'wm' ? 1.3 : 1;
        return propensity * context * (effective ? 1.5 : 1);
      }
      if (i === A.equity_fund_recommendation_wecom) {
        const propensity = Math.min(0.4, 0.02 + 0.03 * (wmViews ?? 0) + 0.01 * trades);
        return propensity * (active30 ? 1.2 : 0.8) * (assetBand === '10k_50k' ? 1 : 1.5);
      }
      return policy.actions[i].priority;
    };
    const fallbackWhen = (i) => i === A.wm_education_push && funded && !winback;
    const chosen = policy.decide(c, eligible, score, fallbackWhen);
    return { layer, tags, actions: chosen.map((i) => policy.ids[i]) };
  }

  return { decide };
}
