// tests/api/lib/classify.js — shared set-up of the customer classification tests
// (attributes, tags, groups, stars, levels: CUS-6, CUS-7, CUS-11, CUS-16, CUS-17):
// signed-in demo users and the customers they hold or see.
//
//   const k = classify(h);            // h = useServer(…)
//   const cm = await k.who('cm00001'); k.own('cm00001') → ids in their custody
import { signIn, memo } from './org.js';
import { sqlValue, sqlIds } from './sql.js';

export function classify(h) {
  const sessions = {};
  const who = async (username) => (sessions[username] ??= await signIn(h.srv, username));
  const userId = memo((username) => Number(sqlValue(h.srv, `SELECT id FROM users WHERE username = '${username}'`)));
  const unitPath = memo((code) => sqlValue(h.srv, `SELECT path FROM org_units WHERE code = '${code}'`));
  // customers in a user's custody (primary), by id
  const own = (username) => sqlIds(h.srv, `SELECT id FROM customers WHERE manager_id = ${userId(username)} ORDER BY id`);
  // customers under a unit's subtree
  const under = (code) => sqlIds(h.srv, `SELECT c.id FROM customers c JOIN org_units o ON o.id = c.unit_id
    WHERE o.path LIKE '${unitPath(code)}%' ORDER BY c.id`);
  // customers outside a unit's subtree
  const outside = (code) => sqlIds(h.srv, `SELECT c.id FROM customers c JOIN org_units o ON o.id = c.unit_id
    WHERE o.path NOT LIKE '${unitPath(code)}%' ORDER BY c.id`);
  return { who, userId, unitPath, own, under, outside };
}
