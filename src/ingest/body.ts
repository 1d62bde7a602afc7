import { parseDay } from "./dates.ts";
import { IMAGE_LINE } from "./element-text.ts";
import { normaliseText } from "./text.ts";

/** The heading of a box of other articles: `相关阅读`, `本期精彩回顾`, `精彩视频推荐`. */
const RELATED_HEADING =
  /^(相[关關](新[闻聞]|文章|[阅閱][读讀]|推荐|[报報][道导])|延伸[阅閱][读讀]|推荐[阅閱][读讀]|[热熱][门門](推荐|文章|新[闻聞])|重[点點]推荐|猜你喜[欢歡]|(本期|往期)?精彩(回[顾顧]|推荐|[视視][频頻]推荐)|往期(回[顾顧]|精[选選]|推荐)|更多(精彩|新[闻聞]|[阅閱][读讀]))\s*[:：]?$/;

/**
 * Page furniture that survives extraction as whole lines: counters, share bars, paging, captions.
 * Character classes such as `[点點]` accept the traditional spelling that big5 mirrors use.
 */
const CHROME_LINES = [
  /^([点點][击擊]([数數量]|次[数數])|[浏瀏][览覽](次[数數]|量)|[阅閱][读讀](次[数數]|量)|[访訪][问問](量|次[数數]))\s*[:：]?\s*\d*\s*次?$/,
  /^(分享到|分享至|扫一扫|掃一掃|打印本[页頁]|【?打印】?|【?[关關][闭閉]】?|【[纠糾][错錯]】|[关關][闭閉][窗視]口|返回[顶頂]部|返回列表|收藏)[:：]?/,
  /^(上一篇|下一篇|上一[条條]|下一[条條])\s*[:：]/,
  /^([发發][布表]([时時][间間]|日期)|更新[时時][间間])\s*[:：].{0,80}$/,
  /^(首[页頁]|[当當]前位置|您的位置|您[现現]在的位置|所在位置|位置)\s*[:：]?\s*.*(>|»|›|＞|→)/,
  /^[图圖]\d*$/,
  /^(附件|相关附件)\s*[:：]?$/,
  /^(转入文章首发地址|[阅閱][读讀]原文|原文[链鏈]接|原文地址)$/,
  /^!\[[^\]]*\]\([^)]*\)$/,
  /^[【[]?\s*字[号號体體]\s*[:：]?\s*[大中小默认認\s|｜]*[】\]]?$/,
  /^(\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?)\s*(\d{1,2}[:：]\d{2}([:：]\d{2})?)?$/,
  /^(本文)?[来來]源\s*[:：].{0,40}$/,
  /^[[【]?\s*[责責]任?[编編]\s*[辑輯]?\s*[:：].{0,40}$/,
  RELATED_HEADING,
  /^本文共?\s*\d+\s*字|^预计阅读(时间|时长)|^預計閱讀/,
  /^(我要|发表|[发發]表|查看|更多)?[评評][论論]|^[网網]友[评評][论論]|^[评評][论論]\s*\d*$|^[参參]与[评評][论論]/,
  /^[(（【[]\s*(作者|[编編][辑輯]|[责責]任[编編][辑輯]|[来來]源)\s*[:：][^)）】\]]{0,40}[)）】\]]$/,
  /^【本文来自.{0,40}】$/,
  /^(转播到|分享到|推荐到)\S{0,12}$/,
  /^(微信|微博|QQ空[间間]|QQ)([\s、|]+(微信|微博|QQ空[间間]|QQ|朋友圈))*$/,
];

/** A closing credit such as `（文/党委组织部 图/轻院新闻社）` or `（编译/林靖东）`. */
const SLASH_CREDITS =
  /\s*[(（](?:(?:[文图圖摄攝]|[编編][译譯]|翻[译譯]|[记記]者)\s*[/／][^()（）]{1,30}\s*)+[)）]\s*$/;
/**
 * The writers' names in brackets after the last sentence: `…实现“共赢”。（钟才文）`,
 * `（常书香 马丹阳 ）`, `（记者 胡晓蓉）`; not `（完）`.
 */
const BRACKETED_WRITER =
  /([。！？”」])\s*[(（](?!完|待续|未完|续)(?:[\u4e00-\u9fa5]{0,6}[记記]者\s*)?[\u4e00-\u9fa5·]{2,4}(?:\s+[\u4e00-\u9fa5·]{2,4}){0,3}\s*[)）]$/;
/** Where the piece first ran in print, after its last sentence: `（刊于《半月谈》2019年第24期）`, `（原载《求是》）`. */
const PRINT_CREDIT =
  /\s*[(（](?:本文)?(?:刊于|刊發於|刊发于|原载|原載|载于|載於)\s*《[^()（）]{1,40}[)）]\s*$/;
/** The note a reprint opens with, `（原标题：……）`. */
const ORIGINAL_TITLE = /^[(（]原[标標][题題][:：].*[)）]$/;

const REVIEWER_ROLES = "[审審]稿|[审審][核覈]|[终終][审審]|[审審][签簽]|[责責]任[编編][辑輯]|[责責][编編]";
const AUTHOR_ROLES = "通[讯訊][员員]|撰稿|撰文|作者|文字|供稿";
const NAME = "[\\u4e00-\\u9fa5·]{2,4}";
/** Names separated by spaces or 、, stopping before the next role word (`张三 审核：李四`). */
const NAMES = `${NAME}(?:[ 、,，](?!${REVIEWER_ROLES}|${AUTHOR_ROLES})${NAME})*`;
const CREDIT_ROLES = `${REVIEWER_ROLES}|${AUTHOR_ROLES}|[编編][辑輯]|[摄攝][影]|[图圖]片|文|[图圖]`;
/** A role must be followed by a separator, so 作者发表 in running text is not a byline. */
const REVIEWER = new RegExp(`(?:${REVIEWER_ROLES})(?:\\s*[:：/]\\s*|\\s+)(${NAMES})`);
const AUTHOR = new RegExp(`(?:${AUTHOR_ROLES})(?:\\s*[:：/]\\s*|\\s+)(${NAMES})`);
/** A closing credit such as `(审稿 周丹)`, `(通讯员 何振)` or `（撰稿：张三 审核：李四）` at the end of the text. */
const TRAILING_CREDITS = new RegExp(
  `\\s*[(（][^()（）]*(?:${REVIEWER_ROLES}|${AUTHOR_ROLES}|[编編][辑輯])[^()（）]*[)）]\\s*$`,
);
/** A line that is only credits: `撰稿：张三  审核：李四`. */
const CREDIT_LINE = new RegExp(
  `^[(（]?\\s*(?:(?:${CREDIT_ROLES})(?:\\s*[:：/]\\s*|\\s+)${NAMES}\\s*)+[)）]?$`,
);
/** Who made the piece, in the production credits media print last: `出品︱…`, `作者︱春春`, `摄影：…`. */
const PRODUCTION_ROLES = `${REVIEWER_ROLES}|${AUTHOR_ROLES}|[编編][辑輯]|[编編][译譯]|翻[译譯]|[记記]者|[摄攝][影像]|[图圖]片|[视視][频頻]|出品|[制製]作|策[划劃]|[监監][制製]|[统統][筹籌]|校[对對]|[设設][计計]|排版|美[编編]|主[编編]|[来來]源|[一二三初复複][审審]|[编編][审審]|核稿|[签簽][发發]|[发發]布|作者[单單]位|[图圖]文|文[图圖]?|[图圖]|整合|整理|素材[来來]源`;
/** A role, a separator, then names or an office: no sentence ends in it, so it is not running text. */
const PRODUCTION_CREDIT_LINE = new RegExp(
  `^[(（【\\[]?\\s*(?:[责責]任)?(?:${PRODUCTION_ROLES})[人者]?\\s*(?:[:：︱｜|/／]|\\s)\\s*[^。！？；!?;]{1,60}$`,
);
/** A reprint's note of the title it first ran under: `原标题：…`. */
const ORIGINAL_TITLE_LINE = /^[(（【]?\s*原[标標][题題]\s*[:：].{1,100}$/;
/**
 * A copyright or reprint notice, told by how it opens and what it forbids or claims. An outlet's
 * label for its own piece opens one too: `某某网(www.example.com)专稿，未经书面授权请勿转载。`
 */
const COPYRIGHT_OPENING =
  /^([(（【[]|版[权權]|声明|聲明|凡|本文|本站|本网|本網|注[:：]|©|copyright|[^，。]{2,40}(专稿|專稿|[独獨]家稿件|原[创創]稿件)[，,])/i;
const COPYRIGHT_CLAIM =
  /未[经經獲][^。]{0,12}(授[权權]|[许許]可|允[许許]|同意)|(不得|禁止|严禁|嚴禁|[请請]勿)[^。]{0,6}(转载|轉載|复制|複製|摘[编編])|[转轉]载[请請]注明|版[权權](所有|[归歸]|[属屬]于|声明|聲明)|独家所有|獨家所有|all rights reserved/i;
/**
 * A plug for the outlet's app or social account, which tells the reader to act: scan the QR
 * code, follow the public account, download the app. A notice's last paragraph that only
 * mentions the account (`请考生关注我校招生信息网和微信公众号。`) does not open that way.
 */
const FOLLOW_PLUG =
  /^(欢迎|歡迎|请|請|敬请|敬請|点击|點擊)?\s*(长按|長按|扫描|掃描|扫码|掃碼|扫一扫|掃一掃|识别|識別|关注|關注|下载|下載)/;
/** What a plug points at: without one, `关注民生……` is running text. */
const FOLLOW_TARGET =
  /二[维維][码碼]|公众号|公眾號|微信|微博|客户端|客戶端|app|抖音|[视視][频頻]号|[头頭]条号/i;
const ACCOUNT_ID = /^(微信号|微信號|ID)\s*[:：]\s*[\w-]+$/i;
/** A photo's credit on a line of its own: `图片来源：视觉中国`, `（新华社记者 张三 摄）`. */
const PHOTO_CREDIT =
  /^[(（]?\s*[图圖]片?\s*(来源|來源|来自|來自|提供)\s*[:：][^。]{1,30}$|^[^，。()（）\s]{0,12}[(（][^，。()（）]{2,24}[摄攝][)）]$|^[^，。()（）]{2,24}\s[摄攝]$/;
/**
 * A reporter's line closing a story: `中青报·中青网记者 魏其濛 来源：中国青年报`, `□ 本报记者 葛灵丹`,
 * `（总台央视记者 张三 李四）`.
 */
const REPORTER_LINE =
  /^[□■◇◆○●\s]*[(（]?[\u4e00-\u9fa5·]{0,12}[记記]者\s*[\u4e00-\u9fa5、 ]{2,20}(\s*[来來]源\s*[:：]\s*\S{2,20})?\s*[)）]?$/;
/** Where a reprint ran in print: `《 人民日报 》（ 2024年05月10日 04 版）`. */
const PRINT_EDITION =
  /^《\s*[^》]{2,20}\s*》\s*[(（]\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*\S{0,4}\s*版\s*[)）]$/;
/**
 * A feature's closing notes to the reader: `文中林影为化名`, `感谢张三、李四为本文提供的帮助`. Thanks to
 * the reader or to a notice's audience (`感谢各位考生的配合！`) do not name the piece, so they stay.
 */
const FEATURE_NOTE =
  /^[(（]?(?:(?:文中|文内|本文中?)[^。]{1,30}(?:均为|均系|为|系)化名|(?:特别)?(?:感谢|鸣谢|致谢)[^。]{1,60}(?:为|对)本(?:文|稿|报道)[^。]{0,20})[。]?[)）]?$/;
/** What is left of a bracketed credit box once its names were taken out: `[`, `】`. */
const BRACKETS_ONLY = /^[[\]【】()（）\s]+$/;
const MAX_CLOSING_NOTE_CHARS = 150;
const MAX_PLUG_CHARS = 60;
/** Credits, notices and plugs a body may end with, read off the end one line at a time. */
const MAX_CLOSING_LINES = 8;

function isClosingNote(line: string): boolean {
  if (line.length <= 80 && PRODUCTION_CREDIT_LINE.test(line)) return true;
  if (ORIGINAL_TITLE_LINE.test(line) || PHOTO_CREDIT.test(line)) return true;
  if (ACCOUNT_ID.test(line) || REPORTER_LINE.test(line) || PRINT_EDITION.test(line)) return true;
  if (BRACKETS_ONLY.test(line) || FEATURE_NOTE.test(line)) return true;
  // Photos printed after the text, each captioned with whose photo it is: `…发表演讲。 新华社记者 李梦馨 摄`.
  if (line.length <= MAX_CREDITED_CAPTION_CHARS && CREDITED_CAPTION.test(line)) return true;
  if (line.length <= MAX_PLUG_CHARS && FOLLOW_PLUG.test(line) && FOLLOW_TARGET.test(line)) return true;
  return line.length <= MAX_CLOSING_NOTE_CHARS && COPYRIGHT_OPENING.test(line) && COPYRIGHT_CLAIM.test(line);
}

/** Titles of other articles are headline-sized; a box of them is cut with its heading. */
const MAX_RELATED_TITLE_CHARS = 80;

/** An invitation to the reader closing a post: `如果您喜欢……`, `欢迎转发`, `点个赞`. */
const READER_INVITE =
  /^(如果|若)(您|你)?喜[欢歡]|^(欢迎|歡迎)(订阅|訂閱|关注|關注|分享|转发|轉發|点赞|點讚)|^(请|請|记得|記得)?[点點按][个個]?([赞讚]|在看)/;

/** How close to the end a box of other articles and an invitation start: a closing block is short. */
const RELATED_BOX_LINES = 15;
const INVITE_LINES = 4;

/** A multi-page story's pager: `|<<1234下一页>>|`, `上一页 1 2 3 下一页`. */
const PAGER = /^[|<«‹\s]*((首|上一?)[页頁][\s|]*)?[\d\s<>«»‹›|]*(下一?|尾|末)[页頁][\s>»›|]*$/;

function opensClosingBlock(line: string, fromEnd: number): boolean {
  if (fromEnd <= RELATED_BOX_LINES && (RELATED_HEADING.test(line) || PAGER.test(line))) return true;
  return fromEnd <= INVITE_LINES && line.length <= MAX_PLUG_CHARS && READER_INVITE.test(line);
}

/**
 * A promo's caption just above a box of other articles (`网易财经`, `会赚钱的客户端：`, an app's
 * icon): a few words with no sentence in them, unlike a last paragraph.
 */
const MAX_PROMO_CAPTION_CHARS = 16;
const MAX_PROMO_LINES = 8;

function isPromoCaption(line: string): boolean {
  return (
    IMAGE_LINE.test(line) || (line.length <= MAX_PROMO_CAPTION_CHARS && !/[。！？；，,!?;\d]/.test(line))
  );
}

/**
 * A box of other articles printed inside the content block, or an invitation to like and follow,
 * ends the body: it goes with all that follows when every line after it is headline-sized (a
 * heading followed by prose stays), and with the promo captions right above it.
 */
function withoutClosingBlock(lines: string[]): string[] {
  const at = lines.findIndex((line, index) => index > 0 && opensClosingBlock(line, lines.length - index));
  if (at < 0) return lines;
  const rest = lines.slice(at + 1);
  if (!rest.every((line) => IMAGE_LINE.test(line) || line.length <= MAX_RELATED_TITLE_CHARS)) return lines;
  let end = at;
  while (end > 1 && at - end < MAX_PROMO_LINES && isPromoCaption(lines[end - 1] ?? "")) end--;
  return lines.slice(0, end);
}

/** The line under a headline: a date beside `来源：`, `作者：`, `浏览` and the like. */
const META_LINE =
  /(来源|來源|作者|编辑|編輯|责编|浏览|瀏覽|点击|點擊|阅读|閱讀|发布|發布|字号|打印|时间|日期)/;
const MAX_META_LINE_CHARS = 120;
/** A byline over the text (`文/张三 图/李四`, `通讯员：王五`) is short; longer is a paragraph. */
const MAX_BYLINE_CHARS = 40;

/**
 * What a body block repeats above the article: a photo, the headline (often split over two
 * centred lines), date, source and byline lines, a reprint's `（原标题：…）`.
 */
function isHeaderLine(line: string, title: string): boolean {
  if (IMAGE_LINE.test(line) || ORIGINAL_TITLE.test(line) || ORIGINAL_TITLE_LINE.test(line)) return true;
  if (WIRE_HEADER.test(line) || REPORTER_BYLINE.test(line) || COLUMN_TAG.test(line)) return true;
  if (PHOTO_CAPTION.test(line) && line.length <= MAX_CAPTION_CHARS) return true;
  if (PHOTO_CREDIT.test(line) || CREDIT_LINE.test(line)) return true;
  if (line.length <= MAX_CREDITED_CAPTION_CHARS && CREDITED_CAPTION.test(line)) return true;
  if (line.length <= MAX_BYLINE_CHARS && !/[，,]/.test(line) && PRODUCTION_CREDIT_LINE.test(line))
    return true;
  const unmarked = line.replace(FOOTNOTE_MARK, "");
  if (title && unmarked.length >= 4 && title.includes(unmarked)) return true;
  if (DATE_ONLY.test(line) || RELATIVE_TIME.test(line) || /^\d{1,7}$/.test(line)) return true;
  if (DOCUMENT_NUMBER.test(line) || SUMMARY.test(line)) return true;
  if (isSignatoryLine(line)) return true;
  return (
    line.length <= MAX_META_LINE_CHARS &&
    META_LINE.test(line) &&
    ((parseDay(line) !== undefined && !/[。！？]/.test(line)) ||
      /^(来源|來源|作者|编辑|編輯)\s*[:：]/.test(line) ||
      (line.length <= MAX_BYLINE_CHARS * 2 &&
        !/[。！？]/.test(line) &&
        /(来源|來源|作者)\s*[:：]/.test(line)))
  );
}

/** A summary the outlet puts over the text: `[摘要：…]`, `【核心提示】…`, `导读：…`; an 编者按 is the piece's own. */
const SUMMARY = /^[[【(（]?\s*(内容)?(摘要|提要|核心提示|导读|導讀)\s*[:：\]】)）]/;

/** A footnote mark after a repeated headline: `…统计公报[1]`. */
const FOOTNOTE_MARK = /\s*[[［]\d{1,2}[\]］]$/;
/** A date on a line of its own over a bulletin: `（2023年5月）`, `2023年3月28日`. */
const DATE_ONLY = /^[(（]?\s*\d{4}\s*年\s*\d{1,2}\s*月(\s*\d{1,2}\s*日)?\s*[)）]?$/;
/** When the page was seen rather than written: `1天前`, `3小时前`. */
const RELATIVE_TIME = /^\d{1,3}\s*(秒|分钟|分鐘|小时|小時|天|周|週|个月|個月)前$/;

/** A wire story's dateline-and-title or reporter line: `新华社北京7月25日电题：…`, `新华社记者王优玲`. */
const WIRE_HEADER =
  /^\S{2,12}\d{1,2}月\d{1,2}日电\s*题\s*[:：]|^(新华社|中新社|本报|本网)?记者[\u4e00-\u9fa5、 ]{2,30}$/;

/**
 * A reporter's byline over the text: `光明日报记者 王建宏 张文攀`,
 * `顶端新闻·河南商报记者马俊峰/文受访者供图`.
 */
const REPORTER_BYLINE =
  /^[\u4e00-\u9fa5·]{0,12}[记記]者\s*[\u4e00-\u9fa5、 ]{2,20}(\s*[/／]\s*[文图圖摄攝])?(\s*[\u4e00-\u9fa5]{0,8}(供[图圖]|[摄攝]))?$/;
/** The column a story ran in, on its own line over it: `【新春走基层】`; an 编者按 is the piece's own. */
const COLUMN_TAG = /^【(?![编編]者按)[^【】]{2,12}】$/;

/** The caption of the photo a body opens with: `图为……`, `图注：……`. */
const PHOTO_CAPTION = /^(图为|圖為|图片为|圖片為|[图圖]注|[图圖]片[说說]明|（图）|\(图\))/;
const MAX_CAPTION_CHARS = 80;
/** A caption that ends with whose photo it is: `…双选会现场。山东女子学院供图`, `…（张三 摄）`. */
const CREDITED_CAPTION =
  /[。\s][^，。\s]{2,16}\s*(供[图圖]|[摄攝]影?)\s*[)）]?$|[(（][^，。()（）]{2,24}[摄攝][)）]$/;
const MAX_CREDITED_CAPTION_CHARS = 150;

/**
 * An office signing a notice off, on its own short line: `重庆交通大学研究生招生办公室`, `吉林省人民政府`;
 * associations sign in their short form (`校科协`, `区妇联`).
 */
const SIGNATORY =
  /^[\u4e00-\u9fa5（）()]{2,30}(大学|学院|学校|办公室|研招办|委员会|党委|团委|工会|政府|处|部|中心|局|厅|所|院|室|会|组|站|馆|办|队|协|联)$/;

/** A government document's number under its title: `吉政明电〔2022〕1号`, `国办发（2024）5号`. */
const DOCUMENT_NUMBER = /^[\u4e00-\u9fa5]{1,12}\s*[〔［[(（]\s*\d{4}\s*[〕］\])）]\s*\d{1,4}\s*号$/;

/**
 * The writer's name under an essay or letter, on its own line after a finished sentence. Closing
 * formulas (特此通知, 此致 敬礼) are the letter's own words.
 */
const SIGNATURE = /^(?!特此|此致|敬礼|敬禮|谢谢|謝謝)[\u4e00-\u9fa5·]{2,4}(\s+[\u4e00-\u9fa5·]{2,4}){0,2}$/;
const SENTENCE_END = /[。！？!?”」』]$/;

/** One office or several signing together: `教务处、经济学院`, `某县统计局 国家统计局某县调查队`. */
function isSignatoryLine(line: string): boolean {
  return line.split(/[\s、]+/).every((office) => SIGNATORY.test(office));
}

/** What follows the last paragraph of a notice: its signatory, the day it was signed, pictures. */
function isSignOffLine(line: string): boolean {
  if (IMAGE_LINE.test(line) || isSignatoryLine(line) || /^[(（][^()（）]{2,10}[)）]$/.test(line)) return true;
  return line.length <= 16 && parseDay(line) !== undefined && !/[，。；！？]/.test(line);
}

/** `来源：新华网` on a line of its own or in the line under the headline. */
const ORIGIN = /(?:^|[\s|｜])[来來]源\s*[:：]\s*([^\s|｜:：]{2,30})/m;

/** The heading of the table of contents a long report opens with: `目 录：`. */
const CONTENTS_HEADING = /^目\s*[录錄]\s*[:：]?$/;
/** A chapter or section heading listed under it: short, and no sentence ends in it. */
const MAX_CONTENTS_ENTRY_CHARS = 40;

/** How many lines a table of contents takes at the top of the text, its heading included. */
function contentsLength(lines: readonly string[]): number {
  if (!CONTENTS_HEADING.test(lines[0] ?? "")) return 0;
  let end = 1;
  while (end < lines.length - 1) {
    const line = lines[end] ?? "";
    if (line.length > MAX_CONTENTS_ENTRY_CHARS || /[。！？；]/.test(line)) break;
    end++;
  }
  return end;
}

export function isChromeLine(line: string): boolean {
  return CHROME_LINES.some((pattern) => pattern.test(line));
}

export interface CleanBody {
  text: string;
  author?: string;
  origin?: string;
  reviewer?: string;
}

function names(match: RegExpExecArray | null): string | undefined {
  return match?.[1]?.replace(/[、,，]/g, " ").trim() || undefined;
}

/** An attachment as elementText writes it (`附件：报名表.docx https://…`), or as a page lists it (`附件1：名单`). */
const ATTACHMENT_LINE = /^附件\s*\d*\s*[:：]/;

/**
 * The attachments listed after the body, apart from it: a reader's body ends before them, and
 * they are kept (and stored after the text) so what they are called can still be searched.
 */
export function splitTrailingAttachments(lines: readonly string[]): {
  body: string[];
  attachments: string[];
} {
  let end = lines.length;
  while (end > 0 && ATTACHMENT_LINE.test(lines[end - 1] ?? "")) end--;
  return { body: lines.slice(0, end), attachments: lines.slice(end) };
}

/**
 * Cleans extracted body text: drops furniture lines, takes author and reviewer credits out into
 * fields (a closing credit line is removed, an inline `(通讯员 …)` byline stays in the text).
 */
export function cleanBody(raw: string, title = ""): CleanBody {
  const lines = withoutClosingBlock(normaliseText(raw.replace(/\n?<!--more-->\n?/g, "")).split("\n")).filter(
    (line) => !isChromeLine(line),
  );
  const titleAt = title ? lines.slice(0, 8).indexOf(title) : -1;
  if (titleAt >= 0) lines.splice(0, titleAt + 1);
  while (lines.length > 1 && isHeaderLine(lines[0] ?? "", title)) lines.shift();
  lines.splice(0, contentsLength(lines));
  const closing: string[] = [];
  while (lines.length > 1 && closing.length < MAX_CLOSING_LINES) {
    const last = lines[lines.length - 1] ?? "";
    const signed = SIGNATURE.test(last) && SENTENCE_END.test(lines[lines.length - 2] ?? "");
    if (!signed && !isSignOffLine(last) && !CREDIT_LINE.test(last) && !isClosingNote(last)) break;
    closing.unshift(last);
    lines.pop();
  }
  const origin = ORIGIN.exec(raw)?.[1];
  const head = lines.slice(0, 3).join("\n");
  const tail = [...lines.slice(-3), ...closing].join("\n");
  const reviewer = names(REVIEWER.exec(tail));
  const author = names(AUTHOR.exec(tail)) ?? names(AUTHOR.exec(head));

  const last = lines.length - 1;
  if (last >= 0)
    lines[last] = (lines[last] ?? "")
      .replace(TRAILING_CREDITS, "")
      .replace(SLASH_CREDITS, "")
      .replace(PRINT_CREDIT, "")
      .replace(BRACKETED_WRITER, "$1");
  return {
    text: lines.filter((line) => line !== "").join("\n"),
    ...(author ? { author } : {}),
    ...(origin ? { origin } : {}),
    ...(reviewer ? { reviewer } : {}),
  };
}
