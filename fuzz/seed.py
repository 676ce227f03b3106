#!/usr/bin/env python3
"""Writes a seed corpus for the `pipeline` fuzz target into fuzz/corpus/pipeline/ (git-ignored).

Each seed is one selector byte (low two bits: 0 .txt, 1 .docx, 2 .xlsx, 3 .csv; bit 2: convert to
simplified) followed by the document. The .docx/.xlsx seeds are small packages written here from
our own phrases, stored uncompressed so that byte mutations reach the XML; a text of our own goes
in UTF-8, UTF-16LE and GB18030, and the shared sample plan and corpus texts (read from ../shared)
are added as they are. The corpus folder is git-ignored: shared texts never enter the repository.

Usage, from the repository root: python3 fuzz/seed.py
"""

import pathlib
import zipfile
import io

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "fuzz" / "corpus" / "pipeline"
SHARED = ROOT.parent / "shared"

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def zip_stored(entries):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, data in entries:
            z.writestr(name, data)
    return buf.getvalue()


def docx():
    def p(text):
        return f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'

    def np(num, lvl, text):
        return (f'<w:p><w:pPr><w:numPr><w:ilvl w:val="{lvl}"/><w:numId w:val="{num}"/>'
                f'</w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>')

    def tc(text, extra=""):
        return f"<w:tc><w:tcPr>{extra}</w:tcPr>{p(text)}</w:tc>"

    rows = [["序号", "工作任务", "牵头单位", "配合单位", "完成时限"],
            ["1", "新建幼儿园3所。", "基建科", "学前教育科", "2026年12月底前"],
            ["2", "教师培训覆盖率达到100%。", "人事科", "", "6月底前"]]
    table = "<w:tbl>" + "".join(
        "<w:tr>" + "".join(tc(c, '<w:vMerge w:val="restart"/>' if i == 2 and c == "基建科" else "")
                           for i, c in enumerate(r)) + "</w:tr>" for r in rows) + "</w:tbl>"
    body = (p("某区教育局2026年工作要点")
            + np(1, 0, "推进学前教育普及")
            + np(1, 1, "学前三年入园率达到98%以上，新建幼儿园5所。")
            + np(1, 1, "普惠性幼儿园覆盖率不低于85%（责任科室：学前教育科）")
            + np(1, 0, "加强教师队伍建設(shè)")
            + np(2, 0, "交流轮岗比例不低于15%。")
            + '<w:p><w:r><w:t>保留</w:t></w:r><w:del w:id="1" w:author="a" w:date="2026-01-01T00:00:00Z">'
              '<w:r><w:delText>删去</w:delText></w:r></w:del><w:r><w:rPr><w:vanish/></w:rPr>'
              '<w:t>隐藏</w:t></w:r></w:p>'
            + table)
    lvl = ('<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{f}"/>'
           '<w:lvlText w:val="{t}"/></w:lvl>')
    numbering = (f'<?xml version="1.0" encoding="UTF-8"?><w:numbering {W}>'
                 '<w:abstractNum w:abstractNumId="0">'
                 + lvl.format(i=0, f="chineseCounting", t="%1、")
                 + lvl.format(i=1, f="decimal", t="%2.")
                 + '</w:abstractNum><w:abstractNum w:abstractNumId="1">'
                 + lvl.format(i=0, f="chineseCounting", t="（%1）")
                 + '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
                 '<w:num w:numId="2"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0">'
                 '<w:startOverride w:val="3"/></w:lvlOverride></w:num></w:numbering>')
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                f"<w:document {W}><w:body>{body}</w:body></w:document>")
    return zip_stored([
        ("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
        ("word/document.xml", document),
        ("word/numbering.xml", numbering),
    ])


def xlsx():
    rows = [["序号", "目标任务", "责任领导", "牵头单位", "配合单位", "完成时限"],
            [1, "新增普惠性学位600个以上", "王某", "学前教育科", "基建科、计财科", "2026-12-31"],
            [2, "校舍改造1.2万平方米", "王某", "基建科", "", "9月开学前"],
            [3, "学生体质健康合格率达到95%", "李某", "体卫艺科", "", "年底前"]]
    strings = []
    def cell(ref, v):
        if isinstance(v, (int, float)):
            return f'<c r="{ref}"><v>{v}</v></c>'
        strings.append(v)
        return f'<c r="{ref}" t="s"><v>{len(strings) - 1}</v></c>'
    data = "".join(
        f'<row r="{r + 1}">' + "".join(cell(f"{chr(65 + c)}{r + 1}", v) for c, v in enumerate(row)) + "</row>"
        for r, row in enumerate(rows))
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    sheet = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}><sheetData>{data}</sheetData>'
             '<mergeCells count="1"><mergeCell ref="C2:C3"/></mergeCells></worksheet>')
    sst = (f'<?xml version="1.0" encoding="UTF-8"?><sst {ns} count="{len(strings)}">'
           + "".join(f"<si><t>{s}</t></si>" for s in strings) + "</sst>")
    workbook = (f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns} {rns}><sheets>'
                '<sheet name="任务分解" sheetId="1" r:id="rId1"/></sheets></workbook>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            '</Relationships>')
    root_rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                 '</Relationships>')
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/>'
             '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
             '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
             '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
             '</Types>')
    return zip_stored([
        ("[Content_Types].xml", types),
        ("_rels/.rels", root_rels),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", rels),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/sharedStrings.xml", sst),
    ])


CSV = ("序号,工作任务,牵头单位,配合单位,完成时限\r\n"
       '1,"新建幼儿园5所,新增学位1200个",基建科,"学前教育科、计财科",2026年底前\r\n'
       "2,近视率控制在50%以内,体卫艺科,,每学期\r\n"
       '3,"多行""引号""\n单元格",督导室,,6月底前\r\n')

TEXT = ("某区教育局2026年工作意见\n一、总体目标\n到2026年，学前三年毛入园率达到98%以上。\n"
        "二、重点任务\n（一）学前教育\n1、新建、改扩建幼儿园5所，新增学位1080个。\n"
        "2、教師(shī)培训不少于360学时；一是完善机制，二是强化考核。\n"
        "（二）义务教育\n——大班额比例控制在5%以内；\n——投入资金1.84亿元。\n"
        "三、保障措施（责任科室：办公室）\n- 1 -\n")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    seeds = {
        "own_txt_utf8": b"\x00" + TEXT.encode("utf-8"),
        "own_txt_simplified": b"\x04" + TEXT.encode("utf-8"),
        "own_txt_utf16le": b"\x00" + b"\xff\xfe" + TEXT.encode("utf-16-le"),
        "own_txt_gb18030": b"\x00" + TEXT.encode("gb18030"),
        "own_docx": b"\x01" + docx(),
        "own_xlsx": b"\x02" + xlsx(),
        "own_csv": b"\x03" + CSV.encode("utf-8"),
        "own_csv_gbk": b"\x03" + CSV.encode("gb18030"),
    }
    texts = sorted((SHARED / "corpus" / "docs").glob("*.txt")) + sorted((SHARED / "plans").glob("*.txt"))
    for path in texts:
        seeds[f"shared_{path.stem}"] = b"\x00" + path.read_bytes()
    for name, data in seeds.items():
        (OUT / name).write_bytes(data)
    print(f"{len(seeds)} seeds in {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
