//! The dashboard as Excel: one sheet of the figures, one per table (groups, studios, places),
//! numbers as numbers.
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// A workbook with the figures (section, figure, value) and the tables.
pub fn dashboard_xlsx(title: &str, figures: &[(String, String, String)], tables: &[crate::stats::pages::Table]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = workbook.add_worksheet();
    sheet.set_name("统计")?;
    sheet.write_string_with_format(0, 0, title, &bold)?;
    for (c, h) in ["类别", "指标", "数值"].iter().enumerate() {
        sheet.write_string_with_format(1, c as u16, *h, &bold)?;
    }
    sheet.set_column_width(0, 24)?;
    sheet.set_column_width(1, 22)?;
    sheet.set_column_width(2, 14)?;
    for (r, (section, label, value)) in figures.iter().enumerate() {
        let row = r as u32 + 2;
        sheet.write_string(row, 0, section)?;
        sheet.write_string(row, 1, label)?;
        cell(sheet, row, 2, value)?;
    }
    for t in tables.iter().filter(|t| !t.rows.is_empty()) {
        let sheet = workbook.add_worksheet();
        sheet.set_name(t.title)?;
        sheet.set_column_width(0, 22)?;
        for (c, h) in t.heads.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16 + 1, *h, &bold)?;
            sheet.set_column_width(c as u16 + 1, 12)?;
        }
        sheet.set_freeze_panes(1, 1)?;
        for (r, row) in t.rows.iter().enumerate() {
            sheet.write_string(r as u32 + 1, 0, &row.name)?;
            for (c, v) in row.cells.iter().enumerate() {
                cell(sheet, r as u32 + 1, c as u16 + 1, v)?;
            }
        }
    }
    workbook.save_to_buffer()
}

/// A number where the value is one (so sums work in Excel), the text otherwise (87.2%, —).
fn cell(sheet: &mut rust_xlsxwriter::Worksheet, row: u32, col: u16, value: &str) -> Result<(), XlsxError> {
    match value.parse::<f64>() {
        Ok(n) => sheet.write_number(row, col, n).map(|_| ()),
        Err(_) => sheet.write_string(row, col, value).map(|_| ()),
    }
}

/// One cell of a list export: text, or a number Excel can sum.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Cell {
        Cell::Number(n as f64)
    }
}

impl From<i32> for Cell {
    fn from(n: i32) -> Cell {
        Cell::Number(n.into())
    }
}

impl From<u64> for Cell {
    fn from(n: u64) -> Cell {
        Cell::Number(n as f64)
    }
}

impl From<f64> for Cell {
    fn from(n: f64) -> Cell {
        Cell::Number(n)
    }
}

/// `?format=xlsx` on a list: the list under its filters as a spreadsheet instead of a page.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct ListFormat {
    #[serde(default)]
    pub format: String,
}

impl ListFormat {
    pub fn xlsx(&self) -> bool {
        self.format.trim() == "xlsx"
    }
}

/// Most rows a list export holds.
pub const LIST_CAP: u64 = 50_000;

/// A list as a workbook (the lists behind the dashboard's figures): the title and the list's
/// totals on top, then the heads in bold and a row per record.
pub fn list_xlsx(title: &str, totals: &[(&str, Cell)], heads: &[&str], rows: &[Vec<Cell>]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = workbook.add_worksheet();
    sheet.write_string_with_format(0, 0, title, &bold)?;
    for (i, (label, value)) in totals.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, *label)?;
        write(sheet, row, 1, value)?;
    }
    let top = totals.len() as u32 + 2;
    for (c, h) in heads.iter().enumerate() {
        sheet.write_string_with_format(top, c as u16, *h, &bold)?;
        sheet.set_column_width(c as u16, 16)?;
    }
    sheet.set_freeze_panes(top + 1, 0)?;
    for (r, cells) in rows.iter().enumerate() {
        for (c, v) in cells.iter().enumerate() {
            write(sheet, top + 1 + r as u32, c as u16, v)?;
        }
    }
    workbook.save_to_buffer()
}

fn write(sheet: &mut rust_xlsxwriter::Worksheet, row: u32, col: u16, value: &Cell) -> Result<(), XlsxError> {
    match value {
        Cell::Text(s) => sheet.write_string(row, col, s).map(|_| ()),
        Cell::Number(n) => sheet.write_number(row, col, *n).map(|_| ()),
    }
}

/// A list as an .xlsx download named `name` (ASCII; the title is inside the file).
pub fn list_download(name: &str, title: &str, totals: &[(&str, Cell)], heads: &[&str], rows: &[Vec<Cell>]) -> crate::app::error::AppResult<axum::response::Response> {
    let bytes = list_xlsx(title, totals, heads, rows).map_err(|e| crate::app::error::AppError::Internal(e.into()))?;
    Ok(crate::proposals::downloads::file_response(bytes, crate::proposals::downloads::XLSX, name))
}
