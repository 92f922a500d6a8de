/* The table editor (Wagtail's TableBlock, Handsontable 6) in Chinese. Wagtail passes the admin's
   language, "zh-hans", to Handsontable, whose bundle has no such dictionary: it warned
   "Language with code zh-hans was not found" and fell back to English. */
(function () {
  function register() {
    var H = window.Handsontable;
    if (!H || !H.languages || H.languages.getLanguageDictionary('zh-hans')) return;
    var k = H.languages.dictionaryKeys;
    var d = { languageCode: 'zh-hans' };
    d[k.CONTEXTMENU_ITEMS_ROW_ABOVE] = '在上方插入行';
    d[k.CONTEXTMENU_ITEMS_ROW_BELOW] = '在下方插入行';
    d[k.CONTEXTMENU_ITEMS_INSERT_LEFT] = '在左侧插入列';
    d[k.CONTEXTMENU_ITEMS_INSERT_RIGHT] = '在右侧插入列';
    d[k.CONTEXTMENU_ITEMS_REMOVE_ROW] = ['删除行', '删除行'];
    d[k.CONTEXTMENU_ITEMS_REMOVE_COLUMN] = ['删除列', '删除列'];
    d[k.CONTEXTMENU_ITEMS_UNDO] = '撤销';
    d[k.CONTEXTMENU_ITEMS_REDO] = '重做';
    d[k.CONTEXTMENU_ITEMS_READ_ONLY] = '只读';
    d[k.CONTEXTMENU_ITEMS_CLEAR_COLUMN] = '清空列';
    d[k.CONTEXTMENU_ITEMS_COPY] = '复制';
    d[k.CONTEXTMENU_ITEMS_CUT] = '剪切';
    d[k.CONTEXTMENU_ITEMS_ALIGNMENT] = '对齐';
    d[k.CONTEXTMENU_ITEMS_ALIGNMENT_LEFT] = '左对齐';
    d[k.CONTEXTMENU_ITEMS_ALIGNMENT_CENTER] = '水平居中';
    d[k.CONTEXTMENU_ITEMS_ALIGNMENT_RIGHT] = '右对齐';
    d[k.CONTEXTMENU_ITEMS_ALIGNMENT_JUSTIFY] = '两端对齐';
    d[k.CONTEXTMENU_ITEMS_ALIGNMENT_TOP] = '顶端对齐';
    d[k.CONTEXTMENU_ITEMS_ALIGNMENT_MIDDLE] = '垂直居中';
    d[k.CONTEXTMENU_ITEMS_ALIGNMENT_BOTTOM] = '底端对齐';
    d[k.CONTEXTMENU_ITEMS_MERGE_CELLS] = '合并单元格';
    d[k.CONTEXTMENU_ITEMS_UNMERGE_CELLS] = '取消合并单元格';
    d[k.CONTEXTMENU_ITEMS_BORDERS] = '边框';
    d[k.CONTEXTMENU_ITEMS_BORDERS_TOP] = '上边框';
    d[k.CONTEXTMENU_ITEMS_BORDERS_RIGHT] = '右边框';
    d[k.CONTEXTMENU_ITEMS_BORDERS_BOTTOM] = '下边框';
    d[k.CONTEXTMENU_ITEMS_BORDERS_LEFT] = '左边框';
    d[k.CONTEXTMENU_ITEMS_REMOVE_BORDERS] = '删除边框';
    d[k.CONTEXTMENU_ITEMS_HIDE_ROW] = ['隐藏行', '隐藏行'];
    d[k.CONTEXTMENU_ITEMS_SHOW_ROW] = ['显示行', '显示行'];
    d[k.CONTEXTMENU_ITEMS_HIDE_COLUMN] = ['隐藏列', '隐藏列'];
    d[k.CONTEXTMENU_ITEMS_SHOW_COLUMN] = ['显示列', '显示列'];
    H.languages.registerLanguageDictionary(d);
  }
  register();
  document.addEventListener('DOMContentLoaded', register);
})();
