//! Bulleted text as documents print it: 「・」 bullets, several on one table row or one per line and wrapped
//! over the next lines, 【heading】 groups that may link to indicators (「（アウトカム指標①）」), numbered
//! pillars (「１　人がつながる…」), and HTML lists whose item tags were lost (sentences side by side).

use hoshin_core::text::{circled_number, compact};
use hoshin_core::BulletGroup;

/// Collects the text of one bulleted field, line by line.
#[derive(Debug, Default)]
pub(crate) struct Bullets {
    pub groups: Vec<BulletGroup>,
    /// The last bullet may continue on the next line.
    open: bool,
}

impl Bullets {
    /// Adds the content of one line (or one table cell).
    pub fn push(&mut self, text: &str) {
        // Paragraphs that markup kept apart (「<p>…</p>」) are items of their own; only a physical line may
        // continue the item before it.
        for (index, paragraph) in text.split('\n').enumerate() {
            if index > 0 && !paragraph.trim().is_empty() {
                self.open = false;
            }
            self.push_paragraph(paragraph.trim());
        }
    }

    /// Ends the current item: after a blank line, the next line starts a new one.
    pub fn close(&mut self) {
        self.open = false;
    }

    fn push_paragraph(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if let Some(rest) = text.strip_prefix('【') {
            if let Some((heading, after)) = rest.split_once('】') {
                let (links, after) = indicator_links(after.trim());
                self.groups.push(BulletGroup {
                    heading: Some(heading.trim().to_string()),
                    bullets: Vec::new(),
                    indicator_links: links,
                });
                self.open = false;
                if !after.trim().is_empty() {
                    self.push_paragraph(after.trim());
                }
                return;
            }
        }
        let items = split_items(text);
        let starts_item = starts_with_marker(text) || items.len() > 1;
        for (index, item) in items.into_iter().enumerate() {
            if index == 0 && !starts_item && self.open {
                self.continue_last(&item);
            } else {
                self.start(&item);
            }
        }
    }

    fn start(&mut self, item: &str) {
        if self.groups.is_empty() {
            self.groups.push(BulletGroup::default());
        }
        let (links, rest) = trailing_links(item);
        let group = self.groups.last_mut().expect("a group was just ensured");
        group.indicator_links.extend(links);
        if !rest.is_empty() {
            group.bullets.push(rest);
        }
        self.open = true;
    }

    fn continue_last(&mut self, text: &str) {
        let Some(last) = self.groups.last_mut().and_then(|group| group.bullets.last_mut()) else {
            self.start(text);
            return;
        };
        // PDF text wraps Japanese anywhere: the lines join without a space, unless a Latin word was cut.
        let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        if latin(last.chars().last()) && latin(text.chars().next()) {
            last.push(' ');
        }
        last.push_str(text.trim());
    }

    pub fn into_groups(self) -> Vec<BulletGroup> {
        self.groups.into_iter().filter(|group| !group.bullets.is_empty() || group.heading.is_some()).collect()
    }

    /// All bullets, ignoring headings: for fields that are plain lists (使命).
    pub fn into_items(self) -> Vec<String> {
        self.groups.into_iter().flat_map(|group| group.bullets).collect()
    }

    /// The text as paragraphs joined by line breaks, with headings in 【】: for free-text fields.
    pub fn into_text(self) -> Option<String> {
        let mut lines = Vec::new();
        for group in self.groups {
            if let Some(heading) = group.heading {
                lines.push(format!("【{heading}】"));
            }
            lines.extend(group.bullets);
        }
        (!lines.is_empty()).then(|| lines.join("\n"))
    }
}

/// Whether a line starts a new item: a bullet mark, a numbered pillar (「１　」, 「1.」) or a circled number.
pub(crate) fn starts_with_marker(text: &str) -> bool {
    let mut chars = text.chars();
    let Some(first) = chars.next() else { return false };
    if matches!(first, '・' | '●' | '○' | '◯' | '■' | '□' | '◆' | '◇' | '※' | '-' | '－' | '•') {
        return true;
    }
    if circled_number(first).is_some() {
        return true;
    }
    let digit = first.is_ascii_digit() || ('０'..='９').contains(&first);
    digit && chars.next().is_some_and(|second| second.is_whitespace() || matches!(second, '.' | '．' | '、'))
}

/// Splits a line into items at bullet marks that start the line or follow a space (「・A ・B」, but not
/// 「こども・子育て」). A line of sentences side by side with no marks at all, as HTML lists come out when their
/// item tags are lost, is split after each 「。」 that a space follows.
pub(crate) fn split_items(text: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut start = 0;
    let mut previous_space = true;
    let mut marked = false;
    let mut push = |item: &str| {
        if !item.trim().is_empty() {
            items.push(item.trim().to_string());
        }
    };
    for (index, c) in text.char_indices() {
        if matches!(c, '・' | '●' | '•') && previous_space {
            marked = true;
            push(&text[start..index]);
            start = index + c.len_utf8();
            previous_space = false;
            continue;
        }
        previous_space = c.is_whitespace();
    }
    push(&text[start..]);
    // Sentences split only where a space follows a 「。」, so a line without one is a single item.
    if !marked && items.len() == 1 && (text.contains("。 ") || text.contains("。\u{3000}")) {
        let sentences: Vec<String> = text
            .split_inclusive("。")
            .map(str::trim)
            .filter(|sentence| !sentence.is_empty())
            .map(str::to_string)
            .collect();
        // Only when every sentence boundary had a space after it: 「…する。 …する。」.
        let spaced = text.matches("。 ").count() + text.matches("。\u{3000}").count();
        if sentences.len() > 1 && spaced + 1 >= sentences.len() {
            return sentences;
        }
    }
    items.into_iter().map(single_spaced).collect()
}

/// Runs of whitespace as one space; most items have none to change.
fn single_spaced(item: String) -> String {
    let mut previous_space = false;
    let clean = item.chars().all(|c| {
        let ok = c == ' ' && !previous_space || !c.is_whitespace();
        previous_space = c == ' ';
        ok
    });
    if clean {
        item
    } else {
        item.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// 「（アウトカム指標①）」 or 「（アウトカム指標①②）」 at the start of `text`, with the rest.
fn indicator_links(text: &str) -> (Vec<u32>, &str) {
    let compacted = compact(text);
    let Some(inner) = compacted.strip_prefix("(アウトカム指標").or_else(|| compacted.strip_prefix("(アウトカム指数"))
    else {
        return (Vec::new(), text);
    };
    let Some(end) = inner.find(')') else { return (Vec::new(), text) };
    let links = inner[..end].chars().filter_map(circled_number).collect();
    let close = text
        .find(['）', ')'])
        .map_or(text.len(), |index| index + text[index..].chars().next().map_or(0, char::len_utf8));
    (links, &text[close..])
}

/// A bullet that ends in 「（アウトカム指標①）」 links its group too.
fn trailing_links(item: &str) -> (Vec<u32>, String) {
    let trimmed = item.trim();
    for open in ['（', '('] {
        if let Some(index) = trimmed.rfind(open) {
            let (links, rest) = indicator_links(&trimmed[index..]);
            if !links.is_empty() && rest.trim().is_empty() {
                return (links, trimmed[..index].trim().to_string());
            }
        }
    }
    (Vec::new(), trimmed.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(lines: &[&str]) -> Vec<BulletGroup> {
        let mut bullets = Bullets::default();
        for line in lines {
            bullets.push(line);
        }
        bullets.into_groups()
    }

    #[test]
    fn inline_bullets_split_only_at_marks_after_spaces() {
        assert_eq!(
            split_items("・安全で安心なまちづくり ・こども・子育て施策の充実"),
            vec!["安全で安心なまちづくり", "こども・子育て施策の充実"]
        );
        assert_eq!(split_items("災害に強い。 街頭犯罪を減らす。"), vec!["災害に強い。", "街頭犯罪を減らす。"]);
        assert_eq!(split_items("一文目。二文目。"), vec!["一文目。二文目。"]);
    }

    #[test]
    fn wrapped_bullets_and_headings() {
        let found = groups(&[
            "【地域のつながり】（アウトカム指標①）",
            "・こどもとその親世代が参加するよ",
            "うな場づくり",
            "・町会加入を促進",
            "【多様な団体との協働】（アウトカム指標③④）",
            "・交流会を設定",
        ]);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].heading.as_deref(), Some("地域のつながり"));
        assert_eq!(found[0].indicator_links, vec![1]);
        assert_eq!(found[0].bullets, vec!["こどもとその親世代が参加するような場づくり", "町会加入を促進"]);
        assert_eq!(found[1].indicator_links, vec![3, 4]);
    }

    #[test]
    fn numbered_pillars_start_items() {
        let found = groups(&["次の４点に重点的に", "取り組む", "　１　人がつながる", "　２　多様性が尊重され"]);
        assert_eq!(found[0].bullets, vec!["次の４点に重点的に取り組む", "１ 人がつながる", "２ 多様性が尊重され"]);
    }
}
