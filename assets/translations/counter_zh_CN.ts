<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>ApplicantStep</name>
    <message>
        <source>Applicant (company)</source>
        <translation>申请人（企业）</translation>
    </message>
    <message>
        <source>Applicant (person)</source>
        <translation>申请人（个人）</translation>
    </message>
    <message>
        <source>&amp;Credit code *</source>
        <translation>统一社会信用代码(&amp;C) *</translation>
    </message>
    <message>
        <source>Resident &amp;ID *</source>
        <translation>身份证号码(&amp;I) *</translation>
    </message>
    <message>
        <source>Company &amp;name *</source>
        <translation>企业名称(&amp;N) *</translation>
    </message>
    <message>
        <source>&amp;Name *</source>
        <translation>姓名(&amp;N) *</translation>
    </message>
    <message>
        <source>&amp;Phone *</source>
        <translation>联系电话(&amp;P) *</translation>
    </message>
    <message>
        <source>New applicant: nothing on file yet.</source>
        <translation>新申请人：本窗口尚无其资料。</translation>
    </message>
    <message>
        <source>Known applicant: details filled in; {n} material(s) on file can be reused.</source>
        <translation>老申请人：已自动填入资料；有 {n} 份已留存材料可复用。</translation>
    </message>
</context>
<context>
    <name>CasePanel</name>
    <message>
        <source>This application</source>
        <translation>本件申请</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>事项</translation>
    </message>
    <message>
        <source>Applicant</source>
        <translation>申请人</translation>
    </message>
    <message>
        <source>Materials</source>
        <translation>材料</translation>
    </message>
    <message>
        <source>Promised by</source>
        <translation>承诺办结</translation>
    </message>
    <message>
        <source>Fee</source>
        <translation>收费</translation>
    </message>
    <message>
        <source>Still missing</source>
        <translation>尚缺材料</translation>
    </message>
    <message>
        <source>not yet</source>
        <translation>尚未填写</translation>
    </message>
    <message>
        <source>not chosen yet</source>
        <translation>尚未选择</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>无</translation>
    </message>
    <message>
        <source>{date} if complete today</source>
        <translation>{date}（今日材料齐全时）</translation>
    </message>
    <message>
        <source>free</source>
        <translation>免费</translation>
    </message>
</context>
<context>
    <name>CitizenGate</name>
    <message>
        <source>The applicant checks the summary on their screen; on when they confirm.</source>
        <translation>请申请人在其屏幕上核对信息，确认后进入下一步。</translation>
    </message>
</context>
<context>
    <name>CitizenScreen</name>
    <message>
        <source>Please check your application</source>
        <translation>请核对您的申请信息</translation>
    </message>
    <message>
        <source>Welcome. Your application will appear here for you to check.</source>
        <translation>欢迎！您的申请信息将显示在这里供您核对。</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>提交</translation>
    </message>
    <message>
        <source>Is everything right? Touch Confirm; if not, tell the clerk.</source>
        <translation>信息是否无误？无误请点“确认”；有误请告诉工作人员。</translation>
    </message>
    <message>
        <source>Confirm</source>
        <translation>确认</translation>
    </message>
    <message>
        <source>How satisfied are you with this service ({event})? Keys 1-5: 1 is best.</source>
        <translation>您对本次服务（{event}）满意吗？请按 1-5 键，1 为非常满意。</translation>
    </message>
    <message>
        <source>Sorry, your rating could not be saved.</source>
        <translation>抱歉，您的评价未能保存。</translation>
    </message>
    <message>
        <source>Thank you!</source>
        <translation>谢谢您的评价！</translation>
    </message>
</context>
<context>
    <name>CityOffers</name>
    <message>
        <source>City lookup (one number)</source>
        <translation>全市材料查询（一号通办）</translation>
    </message>
    <message>
        <source>The citizen agreed (or signed) to look up their materials</source>
        <translation>申请人已同意（或已签字）查询其留存材料</translation>
    </message>
    <message>
        <source>No citizen screen: tick the box once the citizen agreed or signed.</source>
        <translation>本窗口没有群众屏：申请人同意或签字后请勾选。</translation>
    </message>
    <message>
        <source>Waiting for the citizen to agree on their screen.</source>
        <translation>等待申请人在群众屏上确认同意。</translation>
    </message>
    <message>
        <source>Asking the platform…</source>
        <translation>正在查询政务服务平台…</translation>
    </message>
    <message>
        <source>the city</source>
        <translation>全市</translation>
    </message>
    <message>
        <source>this hall</source>
        <translation>本大厅</translation>
    </message>
    <message>
        <source>{n} material(s) on file in {scope}: tick those to use.</source>
        <translation>{scope}留存材料 {n} 份：请勾选要使用的材料。</translation>
    </message>
    <message>
        <source>Nothing on file in {scope} for this applicant.</source>
        <translation>{scope}没有该申请人的留存材料。</translation>
    </message>
    <message>
        <source>{hall}, window {window}, {item}, {day}</source>
        <translation>{hall}，{window}号窗口，{item}，{day}</translation>
    </message>
    <message>
        <source> — EXPIRED {day}</source>
        <translation> — 已过期 {day}</translation>
    </message>
    <message>
        <source> — valid until {day}</source>
        <translation> — 有效期至 {day}</translation>
    </message>
    <message>
        <source>The city lookup is unavailable: only copies kept on this terminal are offered.</source>
        <translation>全市材料查询暂不可用：仅提供本机留存的材料。</translation>
    </message>
</context>
<context>
    <name>ClerkForm</name>
    <message>
        <source>Add a clerk</source>
        <translation>添加工作人员</translation>
    </message>
    <message>
        <source>Clerk</source>
        <translation>窗口人员</translation>
    </message>
    <message>
        <source>Supervisor</source>
        <translation>主管</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <source>Clerk ID</source>
        <translation>工号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>A&amp;dd clerk</source>
        <translation>添加(&amp;D)</translation>
    </message>
</context>
<context>
    <name>DeferralField</name>
    <message>
        <source>Catch-up date</source>
        <translation>补交日期</translation>
    </message>
    <message>
        <source>容缺 {material}: bring it by</source>
        <translation>容缺 {material}：补交日期</translation>
    </message>
</context>
<context>
    <name>DetailPage</name>
    <message>
        <source>Application detail</source>
        <translation>申请详情</translation>
    </message>
    <message>
        <source>&amp;Reprint</source>
        <translation>补打回执(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Supplement...</source>
        <translation>补正材料(&amp;S)...</translation>
    </message>
    <message>
        <source>&amp;Void...</source>
        <translation>作废(&amp;V)...</translation>
    </message>
    <message>
        <source>Save as P&amp;DF...</source>
        <translation>另存为 PDF(&amp;D)...</translation>
    </message>
    <message>
        <source>Result &amp;handed over</source>
        <translation>结果已交付(&amp;H)</translation>
    </message>
    <message>
        <source>Applicant</source>
        <translation>申请人</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>承诺办结日</translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>办理进程</translation>
    </message>
    <message>
        <source>Materials</source>
        <translation>材料</translation>
    </message>
    <message>
        <source>Still needed</source>
        <translation>仍需提交</translation>
    </message>
    <message>
        <source>(reused)</source>
        <translation>（复用）</translation>
    </message>
    <message>
        <source>platform</source>
        <translation>政务服务平台</translation>
    </message>
    <message>
        <source>this window</source>
        <translation>本窗口</translation>
    </message>
    <message>
        <source>Duplicate prepared (recorded in the audit log).</source>
        <translation>已生成副本（已记入审计日志）。</translation>
    </message>
    <message>
        <source>Save the receipt as PDF</source>
        <translation>将回执另存为 PDF</translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation>已保存 {path}</translation>
    </message>
    <message>
        <source>Accepted under receipt {no}.</source>
        <translation>已受理，回执编号 {no}。</translation>
    </message>
    <message>
        <source>Void application</source>
        <translation>作废申请</translation>
    </message>
    <message>
        <source>Reason for voiding {no}:</source>
        <translation>作废 {no} 的原因：</translation>
    </message>
    <message>
        <source>A reason is needed to void an application.</source>
        <translation>作废申请必须填写原因。</translation>
    </message>
    <message>
        <source>Voided.</source>
        <translation>已作废。</translation>
    </message>
    <message>
        <source>The operation failed.</source>
        <translation>操作未能完成。</translation>
    </message>
</context>
<context>
    <name>DraftKeeper</name>
    <message>
        <source>An application for {item} ({name}) was not finished (saved {at}). Continue it?</source>
        <translation>有一份 {item}（{name}）的申请尚未完成（保存于 {at}）。是否继续办理？</translation>
    </message>
    <message>
        <source>Unfinished application</source>
        <translation>未完成的申请</translation>
    </message>
</context>
<context>
    <name>FileDialog</name>
    <message>
        <source>Look in:</source>
        <translation>查找范围：</translation>
    </message>
    <message>
        <source>File &amp;name:</source>
        <translation>文件名称(&amp;N)：</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>文件类型(&amp;T)：</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation>打开(&amp;O)</translation>
    </message>
</context>
<context>
    <name>GroupEditor</name>
    <message>
        <source>&amp;Add entry</source>
        <translation>添加一条(&amp;A)</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Remove this entry</source>
        <translation>删除这一条</translation>
    </message>
</context>
<context>
    <name>HelpSheet</name>
    <message>
        <source>Keys</source>
        <translation>按键一览</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>按键</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>页面</translation>
    </message>
    <message>
        <source>Does</source>
        <translation>作用</translation>
    </message>
</context>
<context>
    <name>HomePage</name>
    <message>
        <source>Receipt number, ID number, name or phone (scanner ready)</source>
        <translation>回执编号、证件号码、姓名或电话（可直接扫码）</translation>
    </message>
    <message>
        <source>Search applications</source>
        <translation>查找申请</translation>
    </message>
    <message>
        <source>Today at this window</source>
        <translation>本窗口今日受理</translation>
    </message>
    <message>
        <source>Receipt no.</source>
        <translation>回执编号</translation>
    </message>
    <message>
        <source>Service item</source>
        <translation>服务事项</translation>
    </message>
    <message>
        <source>Applicant</source>
        <translation>申请人</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>承诺办结日</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>上传</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>待上传</translation>
    </message>
    <message>
        <source>sent</source>
        <translation>已上传</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>被拒收</translation>
    </message>
    <message>
        <source>conflict</source>
        <translation>冲突</translation>
    </message>
    <message>
        <source>Applications</source>
        <translation>申请列表</translation>
    </message>
    <message>
        <source>&amp;Find:</source>
        <translation>查找(&amp;F)：</translation>
    </message>
    <message>
        <source>Today: {received} received, {accepted} accepted, {notices} notices, {settled} settled, satisfaction {satisfaction}</source>
        <translation>今日：收件 {received} 件，受理 {accepted} 件，一次性告知 {notices} 件，办结 {settled} 件，满意度 {satisfaction}</translation>
    </message>
    <message>
        <source>{n} result(s) for &quot;{text}&quot;</source>
        <translation>“{text}”的查找结果：{n} 条</translation>
    </message>
    <message>
        <source>The list could not be loaded.</source>
        <translation>列表未能载入。</translation>
    </message>
</context>
<context>
    <name>IntakeFlow</name>
    <message>
        <source>&amp;Accept and settle</source>
        <translation>受理并办结(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Back</source>
        <translation>上一步(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;Next</source>
        <translation>下一步(&amp;N)</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>事项</translation>
    </message>
    <message>
        <source>Applicant</source>
        <translation>申请人</translation>
    </message>
    <message>
        <source>Form</source>
        <translation>表单</translation>
    </message>
    <message>
        <source>Materials</source>
        <translation>材料</translation>
    </message>
    <message>
        <source>Signature</source>
        <translation>签名</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>核对</translation>
    </message>
    <message>
        <source>Receipt</source>
        <translation>回执</translation>
    </message>
    <message>
        <source>Issue &amp;notice</source>
        <translation>出具告知单(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Accept</source>
        <translation>受理(&amp;A)</translation>
    </message>
    <message>
        <source>Please correct the marked fields.</source>
        <translation>请更正标出的项目。</translation>
    </message>
    <message>
        <source>{n} problem(s) in the form: each is shown at its field.</source>
        <translation>表单中有 {n} 处问题，已在各项下方标出。</translation>
    </message>
    <message>
        <source>The application could not be saved.</source>
        <translation>申请未能保存。</translation>
    </message>
    <message>
        <source>Something went wrong; nothing was lost.</source>
        <translation>出现问题，但已填写的内容没有丢失。</translation>
    </message>
    <message>
        <source>The previous application is saved: {no}</source>
        <translation>上一件申请已保存：{no}</translation>
    </message>
    <message>
        <source>The previous application was NOT saved: {reason}</source>
        <translation>上一件申请未保存：{reason}</translation>
    </message>
</context>
<context>
    <name>ItemPicker</name>
    <message>
        <source>Type a name, code or pinyin initials</source>
        <translation>输入事项名称、编码或拼音首字母</translation>
    </message>
    <message>
        <source>Filter service items</source>
        <translation>筛选服务事项</translation>
    </message>
    <message>
        <source>Service items</source>
        <translation>服务事项列表</translation>
    </message>
    <message>
        <source>No service item matches.</source>
        <translation>没有符合条件的服务事项。</translation>
    </message>
    <message>
        <source>&amp;Service item</source>
        <translation>服务事项(&amp;S)</translation>
    </message>
</context>
<context>
    <name>LoginPage</name>
    <message>
        <source>Clerk ID</source>
        <translation>工号</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>&amp;Log in</source>
        <translation>登录(&amp;L)</translation>
    </message>
    <message>
        <source>Log in (Enter in the password field, or {key})</source>
        <translation>登录（在密码框中按回车，或按 {key}）</translation>
    </message>
    <message>
        <source>&amp;Large text</source>
        <translation>大字模式(&amp;L)</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Clerk &amp;ID</source>
        <translation>工号(&amp;I)</translation>
    </message>
    <message>
        <source>&amp;Password</source>
        <translation>密码(&amp;P)</translation>
    </message>
    <message>
        <source>Lan&amp;guage</source>
        <translation>语言(&amp;G)</translation>
    </message>
    <message>
        <source>Demo mode. Sign in as:</source>
        <translation>演示模式，可用以下账号登录：</translation>
    </message>
    <message>
        <source>Enter your clerk ID and password.</source>
        <translation>请输入工号和密码。</translation>
    </message>
</context>
<context>
    <name>MaterialsStep</name>
    <message>
        <source>{material} · {file}: {problem}</source>
        <translation>{material} · {file}：{problem}</translation>
    </message>
    <message>
        <source>Materials checklist</source>
        <translation>材料清单</translation>
    </message>
    <message>
        <source>Material</source>
        <translation>材料</translation>
    </message>
    <message>
        <source>Needed</source>
        <translation>是否必需</translation>
    </message>
    <message>
        <source>Given</source>
        <translation>已收</translation>
    </message>
    <message>
        <source>File types</source>
        <translation>文件类型</translation>
    </message>
    <message>
        <source>Enter: attach a file   {reuse}: reuse the copy on file   Space: preview   {remove}: remove   (files can be dropped on a row)</source>
        <translation>回车：上传文件&#x3000;{reuse}：复用留存材料&#x3000;空格：预览&#x3000;{remove}：移除&#x3000;（也可把文件拖到对应行）</translation>
    </message>
    <message>
        <source>&amp;Attach...</source>
        <translation>上传(&amp;A)...</translation>
    </message>
    <message>
        <source>&amp;Reuse copy on file</source>
        <translation>复用留存材料(&amp;R)</translation>
    </message>
    <message>
        <source>容缺 (promise to bring later)</source>
        <translation>容缺（承诺后补）</translation>
    </message>
    <message>
        <source>Pre&amp;view</source>
        <translation>预览(&amp;V)</translation>
    </message>
    <message>
        <source>All required materials are here or promised for later (容缺).</source>
        <translation>必需材料已齐全或已承诺后补（容缺）。</translation>
    </message>
    <message>
        <source>All required materials are here.</source>
        <translation>必需材料已齐全。</translation>
    </message>
    <message>
        <source>Missing: {names}. Without them a one-time notice is issued.</source>
        <translation>缺少：{names}。材料不全时将出具一次性告知单。</translation>
    </message>
    <message>
        <source>required</source>
        <translation>必需</translation>
    </message>
    <message>
        <source>not needed for these answers</source>
        <translation>本次无需</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <source>reused copy on file</source>
        <translation>复用留存材料</translation>
    </message>
    <message>
        <source>容缺: promised by {date}</source>
        <translation>容缺：承诺 {date} 前补交</translation>
    </message>
    <message>
        <source>copy on file ({key} to reuse)</source>
        <translation>已有留存（{key} 复用）</translation>
    </message>
    <message>
        <source>Attach: {name}</source>
        <translation>添加材料：{name}</translation>
    </message>
</context>
<context>
    <name>NextHint</name>
    <message>
        <source>What next</source>
        <extracomment>placeholder in the texts -&gt; action in the key table</extracomment>
        <translation>下一步提示</translation>
    </message>
    <message>
        <source>Type the item&apos;s name, code or pinyin initials, then press {enter}.</source>
        <translation>输入事项名称、编码或拼音首字母，按 {enter} 选定。</translation>
    </message>
    <message>
        <source>Type the ID number first (a known applicant fills in); {next}: the form.</source>
        <translation>先输入证件号码（老申请人自动带出资料）；{next}：进入表单。</translation>
    </message>
    <message>
        <source>Fill in the fields marked *; Tab moves on; {next}: check and go on.</source>
        <translation>填写带 * 的项目，Tab 到下一项；{next}：检查并继续。</translation>
    </message>
    <message>
        <source>Pick a row: {row_enter} or {attach} attaches a scan, {reuse} reuses a copy on file; {next}: go on (a one-time notice will list what is missing).</source>
        <translation>选中一行：{row_enter} 或 {attach} 上传扫描件，{reuse} 复用留存材料；{next}：继续（缺少的材料将列入一次性告知书）。</translation>
    </message>
    <message>
        <source>Every required material is here; {next}: on to the signature.</source>
        <translation>必需材料已齐全；{next}：进入签名。</translation>
    </message>
    <message>
        <source>The applicant signs on the pad ({clear} starts again); {next}: review.</source>
        <translation>请申请人在签名板上签名（{clear} 重签）；{next}：核对。</translation>
    </message>
    <message>
        <source>Read it through with the applicant; {next} issues the one-time notice.</source>
        <translation>与申请人逐项核对；{next} 出具一次性告知书。</translation>
    </message>
    <message>
        <source>Read it through with the applicant; {next} accepts and makes the receipt.</source>
        <translation>与申请人逐项核对；{next} 受理并生成回执。</translation>
    </message>
    <message>
        <source>{print}: print the receipt, {save}: save it as PDF; {new}: next applicant.</source>
        <translation>{print}：打印回执，{save}：另存为 PDF；{new}：下一位申请人。</translation>
    </message>
</context>
<context>
    <name>PreviewDialog</name>
    <message>
        <source>Preview: {name}</source>
        <translation>预览：{name}</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>This file cannot be previewed.</source>
        <translation>该文件无法预览。</translation>
    </message>
</context>
<context>
    <name>RemoteCasePage</name>
    <message>
        <source>Application of another window</source>
        <translation>其他窗口受理的申请</translation>
    </message>
    <message>
        <source>&amp;Supplement...</source>
        <translation>补正材料(&amp;S)...</translation>
    </message>
    <message>
        <source>Asking the platform for {no}...</source>
        <translation>正在向平台查询 {no}……</translation>
    </message>
    <message>
        <source>Application of window {window}</source>
        <translation>{window} 号窗口受理的申请</translation>
    </message>
    <message>
        <source>Applicant</source>
        <translation>申请人</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Still needed</source>
        <translation>仍需提交</translation>
    </message>
    <message>
        <source>The platform could not be asked.</source>
        <translation>无法向平台查询。</translation>
    </message>
    <message>
        <source>The supplement was not taken.</source>
        <translation>补正材料未能收取。</translation>
    </message>
</context>
<context>
    <name>ResultStep</name>
    <message>
        <source>Accepted and settled on the spot: receipt {no}.</source>
        <translation>已受理并当场办结：受理编号 {no}。</translation>
    </message>
    <message>
        <source>&amp;Print...</source>
        <translation>打印(&amp;P)...</translation>
    </message>
    <message>
        <source>&amp;Save as PDF...</source>
        <translation>另存为 PDF(&amp;S)...</translation>
    </message>
    <message>
        <source>容缺受理通知书 (deferral notice)</source>
        <translation>容缺受理通知书</translation>
    </message>
    <message>
        <source>One-time notice {no} issued. Nothing was accepted yet.</source>
        <translation>已出具一次性告知单 {no}，本次尚未受理。</translation>
    </message>
    <message>
        <source>Supplement taken for {no}: it goes to the window that took it.</source>
        <translation>已收取 {no} 的补正材料，将转交原受理窗口。</translation>
    </message>
    <message>
        <source>Accepted: receipt {no}, promised by {due}.</source>
        <translation>已受理：回执编号 {no}，承诺 {due} 前办结。</translation>
    </message>
    <message>
        <source>Preparing the receipt...</source>
        <translation>正在生成回执……</translation>
    </message>
    <message>
        <source>{print} prints, {save} saves a PDF, {new} starts the next application.</source>
        <translation>{print} 打印，{save} 另存为 PDF，{new} 办理下一件。</translation>
    </message>
    <message>
        <source>The receipt could not be prepared. The application is saved; print it again from its detail page.</source>
        <translation>回执未能生成。申请已保存，可在申请详情页重新打印。</translation>
    </message>
    <message>
        <source>The receipt.</source>
        <translation>回执。</translation>
    </message>
    <message>
        <source>Preparing the deferral notice...</source>
        <translation>正在生成容缺受理通知书……</translation>
    </message>
    <message>
        <source>The deferral notice, two copies: one for the applicant, one signed back for the file. {key} shows the receipt again.</source>
        <translation>容缺受理通知书一式两联：一联交申请人，一联签字后留档。按 {key} 返回回执。</translation>
    </message>
    <message>
        <source>Save the receipt as PDF</source>
        <translation>将回执另存为 PDF</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation>已保存 {path}</translation>
    </message>
    <message>
        <source>Could not save the PDF: {reason}</source>
        <translation>PDF 未能保存：{reason}</translation>
    </message>
    <message>
        <source>Not connected to the platform</source>
        <translation>未接入平台</translation>
    </message>
    <message>
        <source>This window is not connected to the online platform yet, so the citizen cannot track this receipt online. The receipt says so and tells them to ask at a window. Print it anyway?</source>
        <translation>本窗口尚未接入网上平台，群众暂不能在网上查询这张回执。回执上已如实说明，并请其到窗口查询。仍要打印吗？</translation>
    </message>
    <message>
        <source>Printing on {printer}...</source>
        <translation>正在 {printer} 上打印……</translation>
    </message>
    <message>
        <source>Printed on {printer}.</source>
        <translation>已在 {printer} 上打印。</translation>
    </message>
    <message>
        <source>The receipt could not be printed. Try again.</source>
        <translation>回执未能打印，请重试。</translation>
    </message>
    <message>
        <source>Sent to the printer.</source>
        <translation>已发送到打印机。</translation>
    </message>
</context>
<context>
    <name>ReviewStep</name>
    <message>
        <source>Application summary</source>
        <translation>申请摘要</translation>
    </message>
    <message>
        <source>Applicant</source>
        <translation>申请人</translation>
    </message>
    <message>
        <source>Materials given</source>
        <translation>已收材料</translation>
    </message>
    <message>
        <source>Materials missing</source>
        <translation>缺少材料</translation>
    </message>
    <message>
        <source>Materials are missing: {key} issues a one-time notice listing everything still needed.</source>
        <translation>材料不全：按 {key} 出具一次性告知单，列明仍需提交的全部材料。</translation>
    </message>
    <message>
        <source>{key} accepts the application and prints the receipt.</source>
        <translation>按 {key} 受理申请并打印回执。</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>A4</source>
        <translation>A4 纸</translation>
    </message>
    <message>
        <source>80 mm roll</source>
        <translation>80 毫米热敏纸</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <source>Large text</source>
        <translation>大字模式</translation>
    </message>
    <message>
        <source>This window</source>
        <translation>本窗口</translation>
    </message>
    <message>
        <source>Paper</source>
        <translation>纸张</translation>
    </message>
    <message>
        <source>Idle logout after</source>
        <translation>无操作自动退出</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>Online platform</source>
        <translation>网上政务服务平台</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Enrollment code</source>
        <translation>注册码</translation>
    </message>
    <message>
        <source>&amp;Enroll</source>
        <translation>注册终端(&amp;E)</translation>
    </message>
    <message>
        <source>Catalog on this terminal</source>
        <translation>本终端的事项目录</translation>
    </message>
    <message>
        <source>Clerks</source>
        <translation>工作人员</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
    <message>
        <source>Enter the platform&apos;s address and the enrollment code.</source>
        <translation>请输入平台地址和注册码。</translation>
    </message>
    <message>
        <source>Enrolled.</source>
        <translation>终端已注册。</translation>
    </message>
    <message>
        <source>Clerk {id} added.</source>
        <translation>已添加工作人员 {id}。</translation>
    </message>
    <message>
        <source>The operation failed.</source>
        <translation>操作未能完成。</translation>
    </message>
</context>
<context>
    <name>Shell</name>
    <message>
        <source>Backup written: {name}</source>
        <translation>已自动备份：{name}</translation>
    </message>
    <message>
        <source>The automatic backup failed.</source>
        <translation>自动备份失败。</translation>
    </message>
    <message>
        <source>The terminal&apos;s data folder could not be opened.</source>
        <translation>终端数据文件夹无法打开。</translation>
    </message>
    <message>
        <source>One-window counter</source>
        <translation>一窗受理</translation>
    </message>
    <message>
        <source>{title} - {hall}, window {window}</source>
        <translation>{title} - {hall} {window} 号窗口</translation>
    </message>
    <message>
        <source>Clerk</source>
        <translation>窗口人员</translation>
    </message>
    <message>
        <source>Supervisor</source>
        <translation>主管</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <source>Login failed.</source>
        <translation>登录失败。</translation>
    </message>
    <message>
        <source>You were logged out after a period without activity.</source>
        <translation>长时间无操作，已自动退出登录。</translation>
    </message>
    <message>
        <source>Working...</source>
        <translation>正在处理……</translation>
    </message>
</context>
<context>
    <name>SignaturePad</name>
    <message>
        <source>Signature pad</source>
        <translation>签名板</translation>
    </message>
</context>
<context>
    <name>SignatureStep</name>
    <message>
        <source>The applicant signs in the box below. Without a signature the receipt shows that none was given.</source>
        <translation>请申请人在下方框内签名。未签名时回执上会注明。</translation>
    </message>
    <message>
        <source>C&amp;lear signature</source>
        <translation>清除签名(&amp;L)</translation>
    </message>
    <message>
        <source>容缺受理: by signing, the applicant also promises to bring later, within the promised time: {materials}. Without them by the date the application may be refused.</source>
        <translation>容缺受理：申请人签名即同时承诺在承诺时限内补交：{materials}。逾期未补交的，申请可能不予办理。</translation>
    </message>
</context>
<context>
    <name>StatsPage</name>
    <message>
        <source>Open by age; settled on time {rate}</source>
        <translation>在办件按办理时长；按时办结率 {rate}</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>逾期</translation>
    </message>
    <message>
        <source>&gt;30 d</source>
        <translation>&gt;30日</translation>
    </message>
    <message>
        <source>21-30 d</source>
        <translation>21-30日</translation>
    </message>
    <message>
        <source>6-20 d</source>
        <translation>6-20日</translation>
    </message>
    <message>
        <source>≤5 d</source>
        <translation>≤5日</translation>
    </message>
    <message>
        <source>Carried over</source>
        <translation>结转</translation>
    </message>
    <message>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <source>To</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Export format</source>
        <translation>导出格式</translation>
    </message>
    <message>
        <source>&amp;Show</source>
        <translation>查看(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Export...</source>
        <translation>导出(&amp;E)...</translation>
    </message>
    <message>
        <source>Ratings by window, item and clerk</source>
        <translation>按窗口、事项、受理人的好差评统计</translation>
    </message>
    <message>
        <source>By</source>
        <translation>分组</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Ratings</source>
        <translation>评价数</translation>
    </message>
    <message>
        <source>Rating rate</source>
        <translation>评价率</translation>
    </message>
    <message>
        <source>Satisfied</source>
        <translation>满意率</translation>
    </message>
    <message>
        <source>Bad ratings</source>
        <translation>差评</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>窗口</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>事项</translation>
    </message>
    <message>
        <source>Clerk</source>
        <translation>受理人</translation>
    </message>
    <message>
        <source>Received {received}, accepted {accepted}, notices {notices}, settled {settled}, overdue {overdue}, settled before the promised date {on_time}, satisfied {satisfaction} of {ratings} ratings, rating rate {rating_rate}, bad ratings {bad}</source>
        <translation>收件 {received}，受理 {accepted}，一次性告知 {notices}，办结 {settled}，超期 {overdue}，承诺期内办结 {on_time}，{ratings} 条评价中满意 {satisfaction}，评价率 {rating_rate}，差评 {bad}</translation>
    </message>
    <message>
        <source>Applications</source>
        <translation>件数</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>收件</translation>
    </message>
    <message>
        <source>Settled</source>
        <translation>办结</translation>
    </message>
    <message>
        <source>Applications per day</source>
        <translation>每日申请量</translation>
    </message>
    <message>
        <source>Export statistics</source>
        <translation>导出统计</translation>
    </message>
    <message>
        <source>Exported {path}</source>
        <translation>已导出 {path}</translation>
    </message>
    <message>
        <source>The statistics could not be computed.</source>
        <translation>统计数据未能计算。</translation>
    </message>
</context>
<context>
    <name>SupplementDialog</name>
    <message>
        <source>Supplement missing materials</source>
        <translation>补正缺少的材料</translation>
    </message>
    <message>
        <source>&amp;Accept with these</source>
        <translation>补齐并受理(&amp;A)</translation>
    </message>
</context>
<context>
    <name>Workspace</name>
    <message>
        <source>&amp;Home</source>
        <translation>首页(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;New application</source>
        <translation>新申请(&amp;N)</translation>
    </message>
    <message>
        <source>S&amp;tatistics</source>
        <translation>统计(&amp;T)</translation>
    </message>
    <message>
        <source>Setti&amp;ngs</source>
        <translation>设置(&amp;N)</translation>
    </message>
    <message>
        <source>Signed in: {clerk}</source>
        <translation>当前登录：{clerk}</translation>
    </message>
    <message>
        <source>&amp;Log out</source>
        <translation>退出登录(&amp;L)</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <source>Not enrolled with the platform | waiting: {n}</source>
        <translation>尚未在平台注册 | 待上传：{n}</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>{state} | waiting: {n} | last sync: {last}</source>
        <translation>{state} | 待上传：{n} | 最近同步：{last}</translation>
    </message>
    <message>
        <source>Sync state unknown</source>
        <translation>同步状态未知</translation>
    </message>
</context>
<context>
    <name>flow</name>
    <message>
        <source>the original</source>
        <translation>原件</translation>
    </message>
</context>
</TS>
