//! The roster file (委员名册): reading an uploaded .xlsx or .csv into typed rows, and writing the
//! roster (or an empty template) as .xlsx. Pure: no database, so the import can be checked row by
//! row and nothing is written unless every row is valid.
use std::collections::HashSet;
use std::io::Cursor;

use calamine::{Data, ExcelDateTime, ExcelDateTimeType, Reader, Xlsx, open_workbook_from_rs};
use rust_xlsxwriter::{ColNum, DataValidation, Format, RowNum, Workbook, Worksheet, XlsxError};

use super::values::{Gender, MemberStatus, Phone, Position, YearMonth, normalize_text};
use crate::app::error::FieldError;

/// The roster's columns in file order; a `*` marks a required column.
pub const COLUMNS: [&str; 12] = [
    "姓名*",
    "性别",
    "出生年月",
    "民族",
    "党派",
    "界别*",
    "职务",
    "工作单位及职务",
    "所属小组",
    "所属镇街",
    "手机号码",
    "状态",
];

/// The column names without the required mark, as errors name them.
const LABELS: [&str; 12] = [
    "姓名",
    "性别",
    "出生年月",
    "民族",
    "党派",
    "界别",
    "职务",
    "工作单位及职务",
    "所属小组",
    "所属镇街",
    "手机号码",
    "状态",
];

// Indices into COLUMNS and LABELS.
const NAME: usize = 0;
const GENDER: usize = 1;
const BIRTH: usize = 2;
const ETHNICITY: usize = 3;
const PARTY: usize = 4;
const SECTOR: usize = 5;
const POSITION: usize = 6;
const EMPLOYER: usize = 7;
const GROUPS: usize = 8;
const PLACE: usize = 9;
const MOBILE: usize = 10;
const STATUS: usize = 11;

/// Headers that committees' own rosters use for our columns, so an existing list imports as is.
const ALIASES: [(&str, usize); 8] = [
    ("出生日期", BIRTH),
    ("政治面貌", PARTY),
    ("工作单位", EMPLOYER),
    ("单位及职务", EMPLOYER),
    ("小组", GROUPS),
    ("镇街", PLACE),
    ("手机", MOBILE),
    ("手机号", MOBILE),
];

/// The longest text accepted per column, in characters (names of people, sectors, groups and
/// places are short; a work unit with its title can be long).
const MAX_CHARS: [usize; 12] = [32, 0, 0, 16, 32, 32, 0, 200, 64, 64, 0, 0];

/// How many leading non-empty rows may precede the header (a title such as "第十届委员名册").
const HEADER_SEARCH_ROWS: usize = 10;

const SHEET_NAME: &str = "委员名册";

/// One cell of an uploaded table.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// An Excel serial date (1900 date system).
    Date(f64),
}

/// One valid member row of a roster file.
#[derive(Clone, Debug, PartialEq)]
pub struct RosterRow {
    /// The 1-based row number in the spreadsheet, so a user can find the row.
    pub line: usize,
    pub name: String,
    pub gender: Option<Gender>,
    pub birth_month: Option<YearMonth>,
    pub ethnicity: Option<String>,
    pub party: Option<String>,
    pub sector: String,
    pub position: Position,
    pub employer: Option<String>,
    pub groups: Vec<String>,
    pub place: Option<String>,
    pub mobile: Option<Phone>,
    pub status: MemberStatus,
}

/// A bad cell (or a missing column) of a roster file. `column` is the header without `*`;
/// it is empty when the error concerns the whole file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    pub line: usize,
    pub column: &'static str,
    pub key: &'static str,
}

fn bad_format() -> FieldError {
    FieldError::new("file", "err.file_format")
}

/// Reads an uploaded .xlsx (first worksheet) or .csv (UTF-8, with or without BOM, or GBK as
/// saved by a Chinese Excel) into rows of cells. Row `i` of the result is spreadsheet row `i + 1`.
pub fn read_table(file_name: &str, bytes: &[u8]) -> Result<Vec<Vec<Cell>>, FieldError> {
    let ext = file_name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase());
    let table = match ext.as_deref() {
        Some("xlsx") => read_xlsx(bytes)?,
        Some("csv") => read_csv(bytes)?,
        _ => return Err(bad_format()),
    };
    if table.iter().all(|row| is_blank_row(row)) {
        return Err(FieldError::new("file", "err.file_empty"));
    }
    Ok(table)
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<Vec<Cell>>, FieldError> {
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| bad_format())?;
    let range = match workbook.worksheet_range_at(0) {
        Some(range) => range.map_err(|_| bad_format())?,
        None => return Ok(Vec::new()),
    };
    // The range starts at the first used cell; pad it so indices match the sheet's rows and columns.
    let Some((first_row, first_col)) = range.start() else {
        return Ok(Vec::new());
    };
    let mut table: Vec<Vec<Cell>> = vec![Vec::new(); first_row as usize];
    for row in range.rows() {
        let padding = std::iter::repeat_n(Cell::Empty, first_col as usize);
        table.push(padding.chain(row.iter().map(from_calamine)).collect());
    }
    Ok(table)
}

fn from_calamine(data: &Data) -> Cell {
    match data {
        Data::String(s) => text_cell(s),
        Data::Float(v) => Cell::Number(*v),
        Data::Int(v) => Cell::Number(*v as f64),
        Data::DateTime(dt) if dt.is_duration() => Cell::Number(dt.as_f64()),
        Data::DateTime(dt) => Cell::Date(serial_1900(dt)),
        Data::DateTimeIso(s) | Data::DurationIso(s) => text_cell(s),
        Data::Bool(b) => Cell::Text(b.to_string()),
        Data::Empty | Data::Error(_) => Cell::Empty,
    }
}

/// calamine hides whether a workbook uses the 1904 date system (old Mac Excel); it shows in the
/// date it computes, so compare with the 1900 reading and shift by the 1462 days between epochs.
fn serial_1900(dt: &ExcelDateTime) -> f64 {
    let as_1900 = ExcelDateTime::new(dt.as_f64(), ExcelDateTimeType::DateTime, false);
    if as_1900.to_ymd_hms_milli() == dt.to_ymd_hms_milli() { dt.as_f64() } else { dt.as_f64() + 1462.0 }
}

fn text_cell(s: &str) -> Cell {
    if s.trim().is_empty() { Cell::Empty } else { Cell::Text(s.to_owned()) }
}

fn read_csv(bytes: &[u8]) -> Result<Vec<Vec<Cell>>, FieldError> {
    let text = decode_csv(bytes)?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut table = Vec::new();
    // The first file line after the previous record: the csv reader skips blank lines, but a
    // spreadsheet shows them as rows, and line numbers in errors must match what the user sees.
    let mut next_line = 1;
    for record in reader.records() {
        let record = record.map_err(|_| bad_format())?;
        let start = record.position().map_or(next_line, |p| p.line());
        table.resize_with(table.len() + start.saturating_sub(next_line) as usize, Vec::new);
        table.push(record.iter().map(text_cell).collect());
        let inner_newlines = record.iter().map(|f| f.matches('\n').count() as u64).sum::<u64>();
        next_line = start + 1 + inner_newlines;
    }
    Ok(table)
}

/// Excel saves "CSV UTF-8" with a BOM and plain "CSV" in the system code page, GBK in China.
fn decode_csv(bytes: &[u8]) -> Result<String, FieldError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_owned());
    }
    encoding_rs::GBK
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| text.into_owned())
        .ok_or_else(bad_format)
}

/// The normalized text of a cell; numbers are written without a useless ".0".
fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(s) => normalize_text(s),
        Cell::Number(v) | Cell::Date(v) => number_text(*v),
    }
}

fn number_text(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 { format!("{v:.0}") } else { v.to_string() }
}

fn is_blank_row(row: &[Cell]) -> bool {
    row.iter().all(|cell| cell_text(cell).is_empty())
}

/// Which table column holds each roster column, if any.
type ColumnMap = [Option<usize>; 12];

/// Checks a table (as from [`read_table`]) and turns it into member rows. The header is the first
/// non-empty row, or a later one among the first few if that one is a title. Every row is checked
/// and every error reported; `Ok` only when there is none. A header-only table gives `Ok(vec![])`.
pub fn parse_rows(table: &[Vec<Cell>]) -> Result<Vec<RosterRow>, Vec<RowError>> {
    let Some(header_index) = find_header(table) else {
        return Err(vec![RowError { line: 1, column: "", key: "err.file_empty" }]);
    };
    let columns = map_columns(&table[header_index]);
    let missing: Vec<RowError> = [NAME, SECTOR]
        .into_iter()
        .filter(|&c| columns[c].is_none())
        .map(|c| RowError { line: header_index + 1, column: LABELS[c], key: "err.column_missing" })
        .collect();
    if !missing.is_empty() {
        return Err(missing);
    }
    parse_body(table, header_index + 1, &columns)
}

fn parse_body(table: &[Vec<Cell>], first: usize, columns: &ColumnMap) -> Result<Vec<RosterRow>, Vec<RowError>> {
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for (index, cells) in table.iter().enumerate().skip(first) {
        if is_blank_row(cells) {
            continue;
        }
        match parse_row(index + 1, cells, columns) {
            Ok(row) => {
                // Same name and same phone (or both without one) is the same person twice.
                let key = (row.name.clone(), row.mobile.clone());
                if seen.insert(key) {
                    rows.push(row);
                } else {
                    errors.push(RowError { line: row.line, column: LABELS[NAME], key: "err.duplicate_in_file" });
                }
            }
            Err(row_errors) => errors.extend(row_errors),
        }
    }
    if errors.is_empty() { Ok(rows) } else { Err(errors) }
}

/// The header row: the first non-empty row that names the 姓名 column, looking a few rows down
/// past titles; failing that the first non-empty row, so the missing columns are reported on it.
fn find_header(table: &[Vec<Cell>]) -> Option<usize> {
    let mut candidates = (0..table.len()).filter(|&i| !is_blank_row(&table[i])).take(HEADER_SEARCH_ROWS);
    let first = candidates.clone().next()?;
    Some(candidates.find(|&i| map_columns(&table[i])[NAME].is_some()).unwrap_or(first))
}

fn map_columns(header: &[Cell]) -> ColumnMap {
    let mut columns: ColumnMap = [None; 12];
    for (index, cell) in header.iter().enumerate() {
        if let Some(column) = column_of(&header_key(cell)) {
            // A repeated header keeps its first column.
            columns[column].get_or_insert(index);
        }
    }
    columns
}

/// A header as written by hand: "姓名*", "姓 名", "姓名（必填）" all mean 姓名.
fn header_key(cell: &Cell) -> String {
    let text = cell_text(cell);
    let text = text.strip_suffix("(必填)").unwrap_or(&text);
    text.chars().filter(|&c| c != '*' && c != ' ').collect()
}

fn column_of(key: &str) -> Option<usize> {
    LABELS
        .iter()
        .position(|&label| label == key)
        .or_else(|| ALIASES.iter().find(|(alias, _)| *alias == key).map(|&(_, column)| column))
}

/// Reads the cells of one row, collecting every error instead of stopping at the first.
struct RowReader<'a> {
    line: usize,
    cells: &'a [Cell],
    columns: &'a ColumnMap,
    errors: Vec<RowError>,
}

impl RowReader<'_> {
    fn cell(&self, column: usize) -> &Cell {
        self.columns[column].and_then(|i| self.cells.get(i)).unwrap_or(&Cell::Empty)
    }

    fn fail(&mut self, column: usize, key: &'static str) {
        self.errors.push(RowError { line: self.line, column: LABELS[column], key });
    }

    /// The value of a parse, or `None` after recording its error.
    fn check<T>(&mut self, column: usize, parsed: Result<T, &'static str>) -> Option<T> {
        parsed.map_err(|key| self.fail(column, key)).ok()
    }

    /// Free text no longer than the column allows; `None` when empty or too long.
    fn text(&mut self, column: usize) -> Option<String> {
        let text = cell_text(self.cell(column));
        let checked = within_limit(column, text);
        self.check(column, checked).filter(|t| !t.is_empty())
    }

    /// Required free text; empty (and an error) when missing.
    fn required(&mut self, column: usize) -> String {
        let text = self.text(column);
        if text.is_none() && !self.errors.iter().any(|e| e.column == LABELS[column]) {
            self.fail(column, "err.required");
        }
        text.unwrap_or_default()
    }

    /// A typed value of a non-empty cell; `None` when empty or invalid.
    fn optional<T>(&mut self, column: usize, parse: fn(&'static str, &str) -> Result<T, FieldError>) -> Option<T> {
        let text = cell_text(self.cell(column));
        if text.is_empty() {
            return None;
        }
        let parsed = parse(LABELS[column], &text).map_err(|e| e.key);
        self.check(column, parsed)
    }

    /// A typed value whose parser gives a default for an empty cell.
    fn with_default<T: Copy>(
        &mut self,
        column: usize,
        parse: fn(&'static str, &str) -> Result<T, FieldError>,
        fallback: T,
    ) -> T {
        let parsed = parse(LABELS[column], &cell_text(self.cell(column))).map_err(|e| e.key);
        self.check(column, parsed).unwrap_or(fallback)
    }
}

fn within_limit(column: usize, text: String) -> Result<String, &'static str> {
    if text.chars().count() <= MAX_CHARS[column] {
        Ok(text)
    } else if column == NAME {
        Err("err.name")
    } else {
        Err("err.too_long")
    }
}

fn parse_row(line: usize, cells: &[Cell], columns: &ColumnMap) -> Result<RosterRow, Vec<RowError>> {
    let mut r = RowReader { line, cells, columns, errors: Vec::new() };
    let row = RosterRow {
        line,
        name: compact_name(&r.required(NAME)),
        gender: r.optional(GENDER, Gender::parse),
        birth_month: birth_month(r.cell(BIRTH)).map_err(|key| r.fail(BIRTH, key)).unwrap_or(None),
        ethnicity: r.text(ETHNICITY),
        party: r.text(PARTY),
        sector: r.required(SECTOR),
        position: r.with_default(POSITION, Position::parse, Position::Member),
        employer: r.text(EMPLOYER),
        groups: groups(&mut r),
        place: r.text(PLACE),
        mobile: r.optional(MOBILE, Phone::parse),
        status: r.with_default(STATUS, MemberStatus::parse, MemberStatus::InOffice),
    };
    if r.errors.is_empty() { Ok(row) } else { Err(r.errors) }
}

/// Two-character names are often padded for alignment ("王  伟"); Chinese names have no spaces,
/// so a space next to a non-ASCII character goes, while "Li Ming" keeps its space.
fn compact_name(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let keep =
        |i: usize| chars[i] != ' ' || (i > 0 && chars[i - 1].is_ascii() && chars.get(i + 1).is_none_or(char::is_ascii));
    (0..chars.len()).filter(|&i| keep(i)).map(|i| chars[i]).collect()
}

/// The birth month of a cell: text as typed, or a spreadsheet number, which is either "YYYY.MM"
/// typed into a General cell, "YYYYMM", or a date serial.
fn birth_month(cell: &Cell) -> Result<Option<YearMonth>, &'static str> {
    let month = match cell {
        Cell::Empty => return Ok(None),
        Cell::Text(s) if normalize_text(s).is_empty() => return Ok(None),
        Cell::Text(s) => YearMonth::parse(LABELS[BIRTH], s).ok(),
        Cell::Number(v) => year_month_of_number(*v),
        Cell::Date(v) => YearMonth::from_excel_serial(*v),
    };
    month.map(Some).ok_or("err.year_month")
}

/// Excel turns "1975.03" typed in a General cell into the number 1975.03 and "1975.10" into 1975.1,
/// so one fractional digit is ambiguous: 1975.1 is read as October (a two-digit month with its
/// zero lost), while 1975.3 (no month 30) is read as March. A whole year alone has no month.
fn year_month_of_number(v: f64) -> Option<YearMonth> {
    let whole = v.trunc();
    if (1900.0..2101.0).contains(&v) {
        let year = whole as u16;
        let hundredths = ((v - whole) * 100.0).round() as u8;
        return match hundredths {
            0 => None,
            1..=12 => YearMonth::new(year, hundredths),
            _ if hundredths.is_multiple_of(10) => YearMonth::new(year, hundredths / 10),
            _ => None,
        };
    }
    if v == whole && (190_001.0..=210_012.0).contains(&v) {
        let n = v as u32;
        return YearMonth::new((n / 100) as u16, (n % 100) as u8);
    }
    YearMonth::from_excel_serial(v)
}

/// Groups separated by 、 , ， ; ；, in order, without repeats.
fn groups(r: &mut RowReader<'_>) -> Vec<String> {
    let text = cell_text(r.cell(GROUPS));
    let mut groups: Vec<String> = Vec::new();
    for group in text.split(['、', ',', '，', ';', '；']).map(str::trim).filter(|g| !g.is_empty()) {
        if group.chars().count() > MAX_CHARS[GROUPS] {
            r.fail(GROUPS, "err.too_long");
        } else if !groups.iter().any(|g| g == group) {
            groups.push(group.to_owned());
        }
    }
    groups
}

/// Writes the roster as an .xlsx that [`read_table`] and [`parse_rows`] read back unchanged:
/// one sheet 委员名册, a bold frozen header with the `*` marks, every value as text.
pub fn write_xlsx(rows: &[RosterRow]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(SHEET_NAME)?;
    write_header(sheet)?;
    // Text format keeps Excel from turning phones into 1.38E+10 and "1975.10" into 1975.1.
    let text = Format::new().set_num_format("@");
    for (index, row) in rows.iter().enumerate() {
        let line = RowNum::try_from(index + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (column, value) in row_values(row).iter().enumerate() {
            if !value.is_empty() {
                sheet.write_string_with_format(line, column as ColNum, value, &text)?;
            }
        }
    }
    workbook.save_to_buffer()
}

/// An empty roster to fill in and import.
pub fn template() -> Result<Vec<u8>, XlsxError> {
    write_xlsx(&[])
}

/// Column widths in Excel character units (a Chinese character takes about two).
const WIDTHS: [f64; 12] = [10.0, 6.0, 10.0, 8.0, 12.0, 14.0, 10.0, 36.0, 24.0, 14.0, 14.0, 8.0];

fn write_header(sheet: &mut Worksheet) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    for (column, header) in COLUMNS.iter().enumerate() {
        let column = column as ColNum;
        sheet.write_string_with_format(0, column, *header, &bold)?;
        sheet.set_column_width(column, WIDTHS[column as usize])?;
        // New rows typed into the template are text as well.
        sheet.set_column_format(column, &text)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    add_choices(sheet, GENDER, &Gender::ALL.map(Gender::label))?;
    add_choices(sheet, POSITION, &Position::ALL.map(Position::label))?;
    add_choices(sheet, STATUS, &MemberStatus::ALL.map(MemberStatus::label))?;
    Ok(())
}

/// A drop-down of the accepted labels below the header, so the template is filled in correctly.
fn add_choices(sheet: &mut Worksheet, column: usize, labels: &[&str]) -> Result<(), XlsxError> {
    let choices = DataValidation::new().allow_list_strings(labels)?;
    let column = column as ColNum;
    sheet.add_data_validation(1, column, 1_048_575, column, &choices)?;
    Ok(())
}

/// A row's cells in column order, as written to the file.
fn row_values(row: &RosterRow) -> [String; 12] {
    let owned = |value: &Option<String>| value.clone().unwrap_or_default();
    [
        row.name.clone(),
        row.gender.map(Gender::label).unwrap_or_default().to_owned(),
        row.birth_month.map(|m| m.to_string()).unwrap_or_default(),
        owned(&row.ethnicity),
        owned(&row.party),
        row.sector.clone(),
        row.position.label().to_owned(),
        owned(&row.employer),
        row.groups.join("、"),
        owned(&row.place),
        row.mobile.as_ref().map(|p| p.as_str().to_owned()).unwrap_or_default(),
        row.status.label().to_owned(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Cell {
        Cell::Text(s.to_owned())
    }

    fn header() -> Vec<Cell> {
        COLUMNS.iter().map(|c| text(c)).collect()
    }

    fn member(line: usize, name: &str, mobile: Option<&str>) -> RosterRow {
        RosterRow {
            line,
            name: name.to_owned(),
            gender: None,
            birth_month: None,
            ethnicity: None,
            party: None,
            sector: "经济界".to_owned(),
            position: Position::Member,
            employer: None,
            groups: Vec::new(),
            place: None,
            mobile: mobile.map(|m| Phone::parse("mobile", m).unwrap()),
            status: MemberStatus::InOffice,
        }
    }

    fn full_member(line: usize) -> RosterRow {
        RosterRow {
            gender: Some(Gender::Female),
            birth_month: YearMonth::new(1975, 10),
            ethnicity: Some("汉族".to_owned()),
            party: Some("中国民主同盟".to_owned()),
            position: Position::ViceChair,
            employer: Some("市第一中学 校长".to_owned()),
            groups: vec!["书院路政协小组".to_owned(), "教育联组".to_owned()],
            place: Some("书院路街道".to_owned()),
            status: MemberStatus::Resigned,
            ..member(line, "欧阳娜", Some("13912345678"))
        }
    }

    fn errors(table: &[Vec<Cell>]) -> Vec<(usize, &'static str, &'static str)> {
        parse_rows(table).unwrap_err().into_iter().map(|e| (e.line, e.column, e.key)).collect()
    }

    #[test]
    fn labels_are_the_columns_without_marks() {
        for (column, label) in COLUMNS.iter().zip(LABELS) {
            assert_eq!(column.trim_end_matches('*'), label);
        }
    }

    #[test]
    fn xlsx_round_trip_keeps_every_value() {
        let rows = vec![full_member(2), member(3, "张三", None), member(4, "Li Ming", Some("13800000000"))];
        let bytes = write_xlsx(&rows).unwrap();
        let table = read_table("名册.XLSX", &bytes).unwrap();
        assert_eq!(parse_rows(&table), Ok(rows));
    }

    #[test]
    fn template_has_the_header_and_no_members() {
        let table = read_table("template.xlsx", &template().unwrap()).unwrap();
        assert_eq!(table, vec![header()]);
        assert_eq!(parse_rows(&table), Ok(vec![]));
    }

    /// An .xlsx as people really fill it in: numbers, dates, full-width digits, stray spaces.
    fn messy_xlsx() -> Vec<u8> {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        let date = Format::new().set_num_format("yyyy-mm-dd");
        for (column, header) in ["姓 名", "界别（必填）", "出生年月", "手机号码", "所属小组", "备注"].iter().enumerate()
        {
            sheet.write_string(0, column as ColNum, *header).unwrap();
        }
        sheet.write_string(1, 0, " 王  伟 ").unwrap();
        sheet.write_string(1, 1, "经济界").unwrap();
        sheet.write_number_with_format(1, 2, 27454.0, &date).unwrap();
        sheet.write_number(1, 3, 13812345678.0).unwrap();
        sheet.write_string(1, 4, "书院路组，五里堆组；书院路组").unwrap();
        sheet.write_string(1, 5, "whatever").unwrap();
        // An empty row in the middle.
        sheet.write_string(3, 0, "李四\u{3000}").unwrap();
        sheet.write_string(3, 1, " 教育界 ").unwrap();
        sheet.write_string(3, 2, "1975年3月").unwrap();
        sheet.write_string(3, 3, "１３８１２３４５６７９").unwrap();
        sheet.write_number(4, 0, 1.0).unwrap();
        sheet.write_number(4, 1, 2.0).unwrap();
        sheet.write_number(4, 2, 1975.1).unwrap();
        sheet.write_number(5, 0, 3.0).unwrap();
        sheet.write_number(5, 1, 4.0).unwrap();
        sheet.write_number(5, 2, 197503.0).unwrap();
        // Trailing rows that only look empty.
        sheet.write_string(8, 0, "  ").unwrap();
        sheet.write_string(9, 3, "\u{3000}").unwrap();
        workbook.save_to_buffer().unwrap()
    }

    #[test]
    fn xlsx_with_numbers_dates_and_full_width_text() {
        let table = read_table("roster.xlsx", &messy_xlsx()).unwrap();
        assert_eq!(table[1][3], Cell::Number(13812345678.0));
        assert!(matches!(table[1][2], Cell::Date(_)));
        let rows = parse_rows(&table).unwrap();
        let march = YearMonth::new(1975, 3);
        let wang = &rows[0];
        assert_eq!((wang.line, wang.name.as_str(), wang.sector.as_str()), (2, "王伟", "经济界"));
        assert_eq!(wang.birth_month, march);
        assert_eq!(wang.mobile.as_ref().map(Phone::as_str), Some("13812345678"));
        assert_eq!(wang.groups, ["书院路组", "五里堆组"]);
        let li = &rows[1];
        assert_eq!((li.line, li.name.as_str(), li.sector.as_str()), (4, "李四", "教育界"));
        assert_eq!(li.birth_month, march);
        assert_eq!(li.mobile.as_ref().map(Phone::as_str), Some("13812345679"));
        assert_eq!(li.position, Position::Member);
        assert_eq!(li.status, MemberStatus::InOffice);
        assert_eq!((rows[2].line, rows[2].name.as_str()), (5, "1"));
        assert_eq!(rows[2].birth_month, YearMonth::new(1975, 10));
        assert_eq!(rows[3].birth_month, march);
        assert_eq!(rows.len(), 4);
    }

    #[test]
    fn numbers_in_the_birth_month_column() {
        let ym = |y, m| Some(YearMonth { year: y, month: m });
        for (v, want) in [
            (1975.03, ym(1975, 3)),
            (1975.3, ym(1975, 3)),
            (1975.1, ym(1975, 10)),
            (1975.01, ym(1975, 1)),
            (1975.12, ym(1975, 12)),
            (2012.11, ym(2012, 11)),
            (197503.0, ym(1975, 3)),
            (27454.0, ym(1975, 3)),
            (1975.0, None),
            (1975.13, None),
            (197513.0, None),
        ] {
            assert_eq!(year_month_of_number(v), want, "{v}");
        }
    }

    #[test]
    fn a_sheet_starting_below_and_right_of_a1_keeps_its_row_numbers() {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.write_string(2, 1, "姓名").unwrap();
        sheet.write_string(2, 2, "界别").unwrap();
        sheet.write_string(4, 1, "张三").unwrap();
        let table = read_table("roster.xlsx", &workbook.save_to_buffer().unwrap()).unwrap();
        assert_eq!(table[2][1], text("姓名"));
        assert_eq!(errors(&table), [(5, "界别", "err.required")]);
    }

    #[test]
    fn a_title_row_above_the_header_is_skipped() {
        let table = vec![
            vec![text("第十届委员名册")],
            header(),
            vec![text("张三"), Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty, text("经济界")],
        ];
        assert_eq!(parse_rows(&table), Ok(vec![member(3, "张三", None)]));
    }

    #[test]
    fn columns_may_come_in_any_order() {
        let table = vec![
            vec![text("界别*"), text("说明"), text("手机"), text("姓名*")],
            vec![text("经济界"), text("x"), text("13812345678"), text("张三")],
        ];
        assert_eq!(parse_rows(&table), Ok(vec![member(2, "张三", Some("13812345678"))]));
    }

    fn csv_text() -> String {
        let mut csv = COLUMNS.join(",");
        csv.push_str("\r\n张三,男,1975.03,汉族,中国共产党,经济界,常委,\"某公司,总经理\",书院路组、五里堆组,书院路街道,138 1234 5678,在任\r\n");
        csv.push_str("\r\n,,,,,,,,,,,\r\n李四,女,,,,教育界,,,,,,\r\n");
        csv
    }

    fn check_csv_rows(table: &[Vec<Cell>]) {
        let rows = parse_rows(table).unwrap();
        assert_eq!(rows.len(), 2);
        let zhang = &rows[0];
        assert_eq!((zhang.line, zhang.gender, zhang.position), (2, Some(Gender::Male), Position::StandingMember));
        assert_eq!(zhang.employer.as_deref(), Some("某公司,总经理"));
        assert_eq!(zhang.groups, ["书院路组", "五里堆组"]);
        assert_eq!(zhang.mobile.as_ref().map(Phone::as_str), Some("13812345678"));
        // Line 3 is blank and line 4 holds only commas: the next member is on line 5.
        assert_eq!((rows[1].line, rows[1].name.as_str()), (5, "李四"));
    }

    #[test]
    fn gbk_csv() {
        let text = csv_text();
        let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
        assert!(!unmappable);
        assert!(std::str::from_utf8(&bytes).is_err());
        check_csv_rows(&read_table("roster.csv", &bytes).unwrap());
    }

    #[test]
    fn utf8_csv_with_bom() {
        let bytes = [b"\xEF\xBB\xBF".as_slice(), csv_text().as_bytes()].concat();
        let table = read_table("Roster.CSV", &bytes).unwrap();
        assert_eq!(table[0][0], text("姓名*"));
        check_csv_rows(&table);
    }

    #[test]
    fn every_bad_row_is_reported() {
        let row = |cells: &[&str]| -> Vec<Cell> {
            cells.iter().map(|c| if c.is_empty() { Cell::Empty } else { text(c) }).collect()
        };
        let long_name = "长".repeat(33);
        let table = vec![
            header(),
            row(&["张三", "", "", "", "", "经济界", "", "", "", "", "13812345678"]),
            row(&["", "男", "", "", "", "经济界"]),
            row(&["李四", "", "", "", "", "经济界", "", "", "", "", "12345"]),
            row(&["王五", "未知", "1975.13", "", "", "", "主任", "", "", "", "", "退休"]),
            row(&["张三", "女", "", "", "", "教育界", "", "", "", "", "138-1234-5678"]),
            row(&["赵六", "", "", "", "", "经济界"]),
            row(&["赵六", "", "", "", "", "医卫界"]),
            row(&[long_name.as_str(), "", "", "", "", "经济界"]),
        ];
        assert_eq!(
            errors(&table),
            [
                (3, "姓名", "err.required"),
                (4, "手机号码", "err.phone"),
                (5, "性别", "err.gender"),
                (5, "出生年月", "err.year_month"),
                (5, "界别", "err.required"),
                (5, "职务", "err.position"),
                (5, "状态", "err.member_status"),
                (6, "姓名", "err.duplicate_in_file"),
                (8, "姓名", "err.duplicate_in_file"),
                (9, "姓名", "err.name"),
            ]
        );
    }

    #[test]
    fn missing_required_columns() {
        let table = vec![vec![], vec![text("姓名"), text("手机号码")], vec![text("张三")]];
        assert_eq!(errors(&table), [(2, "界别", "err.column_missing")]);
        let table = vec![vec![text("名单")], vec![text("张三")]];
        assert_eq!(errors(&table), [(1, "姓名", "err.column_missing"), (1, "界别", "err.column_missing")]);
        assert_eq!(errors(&[vec![Cell::Empty]]), [(1, "", "err.file_empty")]);
    }

    #[test]
    fn other_files_are_refused() {
        let bad = Err(FieldError::new("file", "err.file_format"));
        assert_eq!(read_table("roster.pdf", b"%PDF-1.4"), bad);
        assert_eq!(read_table("roster", b"a,b"), bad);
        assert_eq!(read_table("roster.xlsx", b"not a zip"), bad);
        assert_eq!(read_table("roster.csv", b"\xFF\xFF\xFF"), bad);
        assert_eq!(read_table("roster.csv", b""), Err(FieldError::new("file", "err.file_empty")));
        assert_eq!(read_table("roster.csv", b"\r\n ,\r\n"), Err(FieldError::new("file", "err.file_empty")));
    }

    #[test]
    fn ten_thousand_rows() {
        let mut table = vec![header()];
        for i in 0..10_000 {
            let (name, phone) = (format!("委员{i}"), format!("139{i:08}"));
            let cells = [
                name.as_str(),
                "女",
                "1980.05",
                "汉族",
                "",
                "经济界",
                "委员",
                "",
                "一组、二组",
                "",
                phone.as_str(),
                "",
            ];
            table.push(cells.iter().map(|c| text(c)).collect());
        }
        let rows = parse_rows(&table).unwrap();
        assert_eq!(rows.len(), 10_000);
        assert_eq!(rows[9_999].line, 10_001);
    }
}
