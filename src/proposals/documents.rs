//! The formal documents of a proposal as .docx: the printed proposal (提案) and the handling
//! unit's reply letter (答复函). Pure: data in, bytes out, so the pages that serve them and the
//! tests need no files.
//!
//! The layout follows the printed 政协提案 form and the usual 公文 conventions (GB/T 9704): A4,
//! 37/35/28/26 mm margins, 仿宋 三号 body with a two-character first-line indent and a fixed
//! 28 pt line pitch, 宋体/黑体 headings. Every run names its font for both the ascii and the
//! eastAsia slots, because Word picks the font per script and would otherwise render the
//! Chinese text in the theme font.
use std::io::Cursor;

use chrono::{Datelike, NaiveDate};
use docx_rs::{
    AlignmentType, Docx, HeightRule, LineSpacing, LineSpacingType, PageMargin, Paragraph, Run,
    RunFonts, SpecialIndentType, Table, TableCell, TableRow, VAlignType, WidthType,
};

/// What the printed proposal shows.
#[derive(Clone, Debug)]
pub struct ProposalDoc {
    /// The committee, as printed in the title line, e.g. "湘潭市岳塘区政协".
    pub committee: String,
    /// The session, e.g. "十届一次会议".
    pub session: String,
    /// The case number once filed (立案), e.g. "第001号"; left blank before.
    pub number: Option<String>,
    /// "大会提案" or "平时提案".
    pub kind: String,
    /// The proposal's title.
    pub title: String,
    /// The proposers; the first is the lead proposer (第一提案人).
    pub proposers: Vec<String>,
    /// The sector (界别) or group (小组), e.g. "经济界"; may be empty.
    pub sector_or_group: String,
    /// The day it was sent in.
    pub submitted_on: NaiveDate,
    /// The text; paragraphs are separated by newlines (blank lines are skipped).
    pub body: String,
    /// The units the proposers suggest should handle it.
    pub suggested_units: Vec<String>,
    /// The units it was assigned to (承办单位); empty before assignment.
    pub assigned_units: Vec<String>,
    /// Whether it is a key proposal (重点提案).
    pub key: bool,
}

/// What the reply letter (答复函) shows.
#[derive(Clone, Debug)]
pub struct ReplyDoc {
    /// The replying unit, e.g. "区住房和城乡建设局".
    pub unit: String,
    /// The letter's reference (文号), e.g. "岳住建提复〔2022〕5号".
    pub reference: String,
    /// The session the proposal belongs to, e.g. "十届一次会议": the heading names it.
    pub session: String,
    /// The proposal's number, e.g. "第001号" (a bare "001" is accepted too).
    pub number: String,
    /// The proposal's title.
    pub title: String,
    /// The lead proposer, to whom the letter is addressed.
    pub lead_proposer: String,
    /// The reply class: "A", "B" or "C".
    pub class: String,
    /// The text; paragraphs are separated by newlines (blank lines are skipped).
    pub body: String,
    /// The person in charge who signs the letter (签发人).
    pub signer: String,
    /// The contact person and phone.
    pub contact: String,
    /// The day of the reply.
    pub replied_on: NaiveDate,
    /// The co-handling units (会办单位), if any.
    pub co_units: Vec<String>,
}

// Font sizes in half-points, as Word stores them, named by the Chinese size names used in
// 公文 specifications.
const ER_HAO: usize = 44; // 二号, 22 pt
const SAN_HAO: usize = 32; // 三号, 16 pt
const SI_HAO: usize = 28; // 四号, 14 pt
const XIAO_SI: usize = 24; // 小四, 12 pt

const FANGSONG: &str = "仿宋";
const SONGTI: &str = "宋体";
const HEITI: &str = "黑体";
const KAITI: &str = "楷体";

// A4 and the GB/T 9704 margins, in twips (1/20 pt).
const A4_WIDTH: u32 = 11906;
const A4_HEIGHT: u32 = 16838;
const MARGIN_TOP: i32 = 2098;
const MARGIN_BOTTOM: i32 = 1984;
const MARGIN_LEFT: i32 = 1588;
const MARGIN_RIGHT: i32 = 1474;
const TEXT_WIDTH: usize = 8844; // A4_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
/// Two 三号 characters: the Chinese paragraph indent.
const FIRST_LINE_INDENT: i32 = 640;
/// The fixed 28 pt line pitch that gives the 公文 page its 22 lines.
const LINE_PITCH: i32 = 560;

// The header table: label, value, label, value.
const LABEL_WIDTH: usize = 1500;
const VALUE_WIDTH: usize = (TEXT_WIDTH - 2 * LABEL_WIDTH) / 2;
const WIDE_VALUE_WIDTH: usize = TEXT_WIDTH - LABEL_WIDTH;
const ROW_HEIGHT: f32 = 567.0; // 1 cm, room to write by hand on the printed form

/// The .docx of the printed proposal: title line, header table, title and body.
pub fn proposal_docx(p: &ProposalDoc) -> Vec<u8> {
    let heading = format!("{}{}提案", p.committee, p.session);
    let docx = a4_document()
        .add_paragraph(centered(&heading, SONGTI, ER_HAO, true))
        .add_paragraph(Paragraph::new())
        .add_table(proposal_table(p))
        .add_paragraph(Paragraph::new())
        .add_paragraph(title_line(&p.title));
    pack(body_paragraphs(&p.body).into_iter().fold(docx, Docx::add_paragraph))
}

/// The .docx of the reply letter: reference, heading, class, addressee, body and closing.
pub fn reply_docx(r: &ReplyDoc) -> Vec<u8> {
    let paragraphs = reply_opening(r).into_iter().chain(body_paragraphs(&r.body)).chain(reply_closing(r));
    pack(paragraphs.fold(a4_document(), Docx::add_paragraph))
}

/// A formal report (专报): a heading line, the title, sections each under a 黑体 heading, and
/// the issuer with the date on the right. Other areas' documents (the consultation report) use
/// it, so the 公文 layout lives in one place.
pub struct FormalDoc {
    pub heading: String,
    pub title: String,
    /// (section heading, body with one paragraph per line); empty bodies are left out.
    pub sections: Vec<(String, String)>,
    pub issuer: String,
    pub date: NaiveDate,
}

pub fn formal_docx(d: &FormalDoc) -> Vec<u8> {
    let mut docx = a4_document()
        .add_paragraph(centered(&d.heading, SONGTI, ER_HAO, true))
        .add_paragraph(Paragraph::new())
        .add_paragraph(centered(d.title.trim(), HEITI, SAN_HAO, true))
        .add_paragraph(Paragraph::new());
    for (heading, body) in d.sections.iter().filter(|(_, b)| !b.trim().is_empty()) {
        docx = docx.add_paragraph(Paragraph::new().add_run(run(heading, HEITI, SAN_HAO)).indent(None, Some(SpecialIndentType::FirstLine(FIRST_LINE_INDENT)), None, None));
        docx = body_paragraphs(body).into_iter().fold(docx, Docx::add_paragraph);
    }
    let docx = docx
        .add_paragraph(Paragraph::new())
        .add_paragraph(aligned(&d.issuer, FANGSONG, SAN_HAO, AlignmentType::Right))
        .add_paragraph(aligned(&chinese_date(d.date), FANGSONG, SAN_HAO, AlignmentType::Right));
    pack(docx)
}

/// The top of the letter: reference on the right, heading and the proposal's title centred,
/// the class with what the classes mean, then the addressee.
fn reply_opening(r: &ReplyDoc) -> Vec<Paragraph> {
    let class = format!("（答复类别：{}类）", class_letter(&r.class));
    let addressee = format!("{}委员：", r.lead_proposer.trim());
    vec![
        aligned(&r.reference, FANGSONG, SAN_HAO, AlignmentType::Right),
        Paragraph::new(),
        centered(&reply_heading(&r.session, &r.number), SONGTI, ER_HAO, true),
        centered(&format!("《{}》", r.title.trim()), KAITI, SAN_HAO, false),
        centered(&class, FANGSONG, SAN_HAO, false),
        centered(CLASS_NOTE, FANGSONG, XIAO_SI, false),
        Paragraph::new(),
        aligned(&addressee, FANGSONG, SAN_HAO, AlignmentType::Left),
    ]
}

/// What the three reply classes mean, printed under the class so the proposer can read it.
const CLASS_NOTE: &str =
    "（A类：所提问题已经解决或采纳；B类：所提问题列入计划拟解决或部分解决；C类：所提问题因条件限制留作参考）";

/// A date the way Chinese letters close: 2022-03-15 → "二〇二二年三月十五日".
pub fn chinese_date(d: NaiveDate) -> String {
    format!(
        "{}年{}月{}日",
        chinese_digits(d.year().unsigned_abs()),
        chinese_number(d.month()),
        chinese_number(d.day())
    )
}

const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// A year is read digit by digit: 2022 → 二〇二二.
fn chinese_digits(n: u32) -> String {
    n.to_string().chars().map(|c| DIGITS[c.to_digit(10).unwrap_or(0) as usize]).collect()
}

/// Months and days (1..=99) are read as numbers: 10 → 十, 15 → 十五, 20 → 二十, 31 → 三十一.
fn chinese_number(n: u32) -> String {
    let (tens, ones) = ((n / 10) as usize, (n % 10) as usize);
    let mut s = String::new();
    if tens > 1 {
        s.push(DIGITS[tens]);
    }
    if tens > 0 {
        s.push('十');
    }
    if ones > 0 || tens == 0 {
        s.push(DIGITS[ones]);
    }
    s
}

/// "关于对政协十届一次会议第001号提案的答复"; a bare number gets its 第…号.
fn reply_heading(session: &str, number: &str) -> String {
    format!("关于对政协{}{}提案的答复", session.trim(), case_number(number))
}

/// Numbers are stored either as "第001号" or as "001"; the letter always prints the former.
fn case_number(number: &str) -> String {
    let n = number.trim();
    let n = n.strip_prefix('第').unwrap_or(n);
    let n = n.strip_suffix('号').unwrap_or(n);
    format!("第{n}号")
}

/// "b", "B类" and " B " all mean class B.
fn class_letter(class: &str) -> String {
    let c = class.trim();
    c.strip_suffix('类').unwrap_or(c).trim().to_uppercase()
}

/// The end of the letter: unit and date on the right, then signer, contact and co-units.
fn reply_closing(r: &ReplyDoc) -> Vec<Paragraph> {
    let mut closing = vec![
        Paragraph::new(),
        aligned(&r.unit, FANGSONG, SAN_HAO, AlignmentType::Right),
        aligned(&chinese_date(r.replied_on), FANGSONG, SAN_HAO, AlignmentType::Right),
        Paragraph::new(),
    ];
    let lines = [
        ("签发人：", r.signer.trim().to_string()),
        ("联系人及电话：", r.contact.trim().to_string()),
        ("会办单位：", joined(&r.co_units)),
    ];
    // A line with nothing after its label would read as a form left unfilled.
    for (label, value) in lines.into_iter().filter(|(_, v)| !v.is_empty()) {
        closing.push(aligned(&format!("{label}{value}"), FANGSONG, SAN_HAO, AlignmentType::Left));
    }
    closing
}

/// The header table of the printed form, four columns (label, value, label, value); lists that
/// may run long take a whole row.
fn proposal_table(p: &ProposalDoc) -> Table {
    let number = p.number.as_deref().unwrap_or("");
    let submitted = p.submitted_on.format("%Y年%-m月%-d日").to_string();
    let rows = vec![
        pair_row(("案号", number), ("类别", &p.kind)),
        wide_row("提案人", &joined(&p.proposers)),
        pair_row(("界别/小组", &p.sector_or_group), ("提交日期", &submitted)),
        wide_row("建议承办单位", &joined(&p.suggested_units)),
        wide_row("承办单位", &joined(&p.assigned_units)),
        wide_row("重点提案", if p.key { "是" } else { "否" }),
    ];
    Table::new(rows)
        .set_grid(vec![LABEL_WIDTH, VALUE_WIDTH, LABEL_WIDTH, VALUE_WIDTH])
        .width(TEXT_WIDTH, WidthType::Dxa)
}

/// A row with two label/value pairs side by side.
fn pair_row(left: (&str, &str), right: (&str, &str)) -> TableRow {
    table_row(vec![
        label_cell(left.0),
        value_cell(left.1, VALUE_WIDTH, 1),
        label_cell(right.0),
        value_cell(right.1, VALUE_WIDTH, 1),
    ])
}

/// A row with one label and a value spanning the other three columns.
fn wide_row(label: &str, value: &str) -> TableRow {
    table_row(vec![label_cell(label), value_cell(value, WIDE_VALUE_WIDTH, 3)])
}

fn table_row(cells: Vec<TableCell>) -> TableRow {
    TableRow::new(cells).row_height(ROW_HEIGHT).height_rule(HeightRule::AtLeast)
}

/// Labels in 黑体, centred, so the eye finds the fields.
fn label_cell(label: &str) -> TableCell {
    let paragraph = Paragraph::new().align(AlignmentType::Center).add_run(run(label, HEITI, SI_HAO));
    TableCell::new()
        .add_paragraph(paragraph)
        .width(LABEL_WIDTH, WidthType::Dxa)
        .vertical_align(VAlignType::Center)
}

fn value_cell(value: &str, width: usize, span: usize) -> TableCell {
    let cell = TableCell::new()
        .add_paragraph(Paragraph::new().add_run(run(value, FANGSONG, SI_HAO)))
        .width(width, WidthType::Dxa)
        .vertical_align(VAlignType::Center);
    if span > 1 { cell.grid_span(span) } else { cell }
}

/// "标题：…" in bold 黑体; the title is its own run so it stays one piece of text.
fn title_line(title: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run("标题：", HEITI, SAN_HAO).bold())
        .add_run(run(title.trim(), HEITI, SAN_HAO).bold())
}

/// One paragraph per non-empty line. Leading spaces (often full-width ones pasted from Word)
/// are dropped: the indent is the paragraph's, not the text's.
fn body_paragraphs(body: &str) -> Vec<Paragraph> {
    body.lines().map(str::trim).filter(|l| !l.is_empty()).map(body_paragraph).collect()
}

fn body_paragraph(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, FANGSONG, SAN_HAO))
        .align(AlignmentType::Both)
        .indent(None, Some(SpecialIndentType::FirstLine(FIRST_LINE_INDENT)), None, None)
        .line_spacing(LineSpacing::new().line_rule(LineSpacingType::Exact).line(LINE_PITCH))
}

fn centered(text: &str, font: &str, size: usize, bold: bool) -> Paragraph {
    let r = run(text, font, size);
    Paragraph::new().align(AlignmentType::Center).add_run(if bold { r.bold() } else { r })
}

fn aligned(text: &str, font: &str, size: usize, alignment: AlignmentType) -> Paragraph {
    Paragraph::new().align(alignment).add_run(run(text, font, size))
}

fn run(text: &str, font: &str, size: usize) -> Run {
    Run::new().add_text(text).fonts(fonts(font)).size(size)
}

/// The same font in every slot: ascii and hAnsi for Latin letters and digits, eastAsia for
/// Chinese, cs for completeness; Word chooses the slot per character.
fn fonts(name: &str) -> RunFonts {
    RunFonts::new().ascii(name).hi_ansi(name).east_asia(name).cs(name)
}

/// Names and units are listed with the Chinese enumeration comma; blanks are dropped.
fn joined(items: &[String]) -> String {
    items.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect::<Vec<_>>().join("、")
}

/// An empty A4 document whose defaults are the body style, so empty paragraphs have body height.
fn a4_document() -> Docx {
    let margins = PageMargin::new()
        .top(MARGIN_TOP)
        .bottom(MARGIN_BOTTOM)
        .left(MARGIN_LEFT)
        .right(MARGIN_RIGHT);
    Docx::new()
        .page_size(A4_WIDTH, A4_HEIGHT)
        .page_margin(margins)
        .default_fonts(fonts(FANGSONG))
        .default_size(SAN_HAO)
}

fn pack(docx: Docx) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    // Writing a zip into memory has no IO to fail; an error here is a bug in the document.
    docx.pack(&mut out).expect("packing a .docx into memory");
    out.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn proposal() -> ProposalDoc {
        ProposalDoc {
            committee: "湘潭市岳塘区政协".into(),
            session: "十届一次会议".into(),
            number: Some("第001号".into()),
            kind: "大会提案".into(),
            title: "关于加强老旧小区改造的建议".into(),
            proposers: vec!["张晓红".into(), "李建国".into(), "王芳".into()],
            sector_or_group: "经济界".into(),
            submitted_on: date(2022, 1, 10),
            body: "　　我区老旧小区数量多、设施陈旧。\n\n建议将加装电梯纳入改造计划。\n".into(),
            suggested_units: vec!["区住房和城乡建设局".into()],
            assigned_units: vec!["区住房和城乡建设局".into(), "区财政局".into()],
            key: true,
        }
    }

    fn reply() -> ReplyDoc {
        ReplyDoc {
            unit: "区住房和城乡建设局".into(),
            reference: "岳住建提复〔2022〕5号".into(),
            session: "十届一次会议".into(),
            number: "第001号".into(),
            title: "关于加强老旧小区改造的建议".into(),
            lead_proposer: "张晓红".into(),
            class: "b".into(),
            body: "您提出的建议收悉，现答复如下：\n今年计划改造老旧小区12个。".into(),
            signer: "刘明".into(),
            contact: "陈静 0731-5555555".into(),
            replied_on: date(2022, 3, 15),
            co_units: vec!["区财政局".into()],
        }
    }

    /// The document read back by docx-rs's own reader, as JSON: proves the zip and its
    /// `word/document.xml` parse, and the text is there to search.
    fn read_back(bytes: &[u8]) -> String {
        assert!(bytes.starts_with(b"PK\x03\x04"), "not a zip");
        docx_rs::read_docx(bytes).expect("the .docx reads back").json()
    }

    #[test]
    fn proposal_docx_holds_the_fields() {
        let text = read_back(&proposal_docx(&proposal()));
        for expected in [
            "湘潭市岳塘区政协十届一次会议提案",
            "关于加强老旧小区改造的建议",
            "第001号",
            "张晓红、李建国、王芳",
            "经济界",
            "2022年1月10日",
            "区住房和城乡建设局、区财政局",
            "我区老旧小区数量多、设施陈旧。",
            "建议将加装电梯纳入改造计划。",
        ] {
            assert!(text.contains(expected), "missing {expected}");
        }
    }

    #[test]
    fn proposal_body_becomes_indented_paragraphs_without_blank_lines() {
        let paragraphs = body_paragraphs(&proposal().body);
        assert_eq!(paragraphs.len(), 2);
        assert_eq!(paragraphs[0].raw_text(), "我区老旧小区数量多、设施陈旧。");
    }

    #[test]
    fn unfiled_proposal_still_renders() {
        let p = ProposalDoc { number: None, assigned_units: vec![], body: String::new(), ..proposal() };
        assert!(read_back(&proposal_docx(&p)).contains("关于加强老旧小区改造的建议"));
    }

    #[test]
    fn reply_docx_holds_the_fields() {
        let text = read_back(&reply_docx(&reply()));
        for expected in [
            "岳住建提复〔2022〕5号",
            "关于对政协十届一次会议第001号提案的答复",
            "张晓红委员：",
            "（答复类别：B类）",
            "今年计划改造老旧小区12个。",
            "二〇二二年三月十五日",
            "签发人：刘明",
            "会办单位：区财政局",
        ] {
            assert!(text.contains(expected), "missing {expected}");
        }
    }

    #[test]
    fn reply_without_co_units_has_no_co_unit_line() {
        let r = ReplyDoc { co_units: vec![], ..reply() };
        assert!(!read_back(&reply_docx(&r)).contains("会办单位"));
    }

    #[test]
    fn heading_normalizes_the_number() {
        let expected = "关于对政协十届一次会议第001号提案的答复";
        assert_eq!(reply_heading("十届一次会议", "第001号"), expected);
        assert_eq!(reply_heading("十届一次会议", "001"), expected);
    }

    #[test]
    fn class_letter_accepts_variants() {
        assert_eq!(class_letter("a"), "A");
        assert_eq!(class_letter(" B类 "), "B");
        assert_eq!(class_letter("C"), "C");
    }

    #[test]
    fn chinese_dates() {
        assert_eq!(chinese_date(date(2020, 10, 10)), "二〇二〇年十月十日");
        assert_eq!(chinese_date(date(2022, 1, 1)), "二〇二二年一月一日");
        assert_eq!(chinese_date(date(2022, 12, 31)), "二〇二二年十二月三十一日");
        assert_eq!(chinese_date(date(2022, 3, 15)), "二〇二二年三月十五日");
        assert_eq!(chinese_date(date(2023, 11, 20)), "二〇二三年十一月二十日");
        assert_eq!(chinese_date(date(2000, 2, 29)), "二〇〇〇年二月二十九日");
    }
}
