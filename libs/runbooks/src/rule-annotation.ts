import { isMap, isSeq, parseDocument } from 'yaml';

/**
 * The rule file's text with `runbook_url: <url>` on every alerting rule named `alert` (an alert may have a
 * rule per severity). Edited through yaml's Document, so comments, block scalars and quoting stay as they
 * were; the text is returned unchanged when the alert is missing or already links `url`.
 */
export function setRunbookUrl(rulesYamlText: string, alert: string, url: string): { found: boolean; text: string } {
  const doc = parseDocument(rulesYamlText);
  let found = false;
  let changed = false;
  const groups = doc.get('groups');
  for (const group of isSeq(groups) ? groups.items : []) {
    const rules = isMap(group) ? group.get('rules') : undefined;
    for (const rule of isSeq(rules) ? rules.items : []) {
      if (!isMap(rule) || rule.get('alert') !== alert) continue;
      found = true;
      if (rule.getIn(['annotations', 'runbook_url']) === url) continue;
      rule.setIn(['annotations', 'runbook_url'], url);
      changed = true;
    }
  }
  // lineWidth 0: never re-fold long strings, so lines this edit did not touch come out byte for byte.
  return { found, text: changed ? doc.toString({ lineWidth: 0 }) : rulesYamlText };
}
