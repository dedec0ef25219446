<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>ApplicantStep</name>
    <message>
        <location filename="../../counter_app/ui/intake/applicant.py" line="67"/>
        <source>Applicant (company)</source>
        <translation>申请人（企业）</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/applicant.py" line="67"/>
        <source>Applicant (person)</source>
        <translation>申请人（个人）</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/applicant.py" line="70"/>
        <source>&amp;Credit code *</source>
        <translation>统一社会信用代码(&amp;C) *</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/applicant.py" line="70"/>
        <source>Resident &amp;ID *</source>
        <translation>身份证号码(&amp;I) *</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/applicant.py" line="71"/>
        <source>Company &amp;name *</source>
        <translation>企业名称(&amp;N) *</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/applicant.py" line="71"/>
        <source>&amp;Name *</source>
        <translation>姓名(&amp;N) *</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/applicant.py" line="72"/>
        <source>&amp;Phone *</source>
        <translation>联系电话(&amp;P) *</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/applicant.py" line="127"/>
        <source>New applicant: nothing on file yet.</source>
        <translation>新申请人：本窗口尚无其资料。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/applicant.py" line="135"/>
        <source>Known applicant: details filled in; {n} material(s) on file can be reused.</source>
        <translation>老申请人：已自动填入资料；有 {n} 份已留存材料可复用。</translation>
    </message>
</context>
<context>
    <name>CasePanel</name>
    <message>
        <location filename="../../counter_app/ui/intake/case_panel.py" line="105"/>
        <location filename="../../counter_app/ui/intake/case_panel.py" line="110"/>
        <source>This application</source>
        <translation>本件申请</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/case_panel.py" line="117"/>
        <source>Item</source>
        <translation>事项</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/case_panel.py" line="118"/>
        <source>Applicant</source>
        <translation>申请人</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/case_panel.py" line="119"/>
        <source>Materials</source>
        <translation>材料</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/case_panel.py" line="120"/>
        <source>Promised by</source>
        <translation>承诺办结</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/case_panel.py" line="121"/>
        <source>Fee</source>
        <translation>收费</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/case_panel.py" line="122"/>
        <source>Still missing</source>
        <translation>尚缺材料</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/case_panel.py" line="159"/>
        <source>not yet</source>
        <translation>尚未填写</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/case_panel.py" line="161"/>
        <source>not chosen yet</source>
        <translation>尚未选择</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/case_panel.py" line="166"/>
        <source>nothing</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/case_panel.py" line="178"/>
        <source>{date} if complete today</source>
        <translation>{date}（今日材料齐全时）</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/case_panel.py" line="184"/>
        <source>free</source>
        <translation>免费</translation>
    </message>
</context>
<context>
    <name>CitizenScreen</name>
    <message>
        <location filename="../../counter_app/ui/citizen.py" line="64"/>
        <source>Please check your application</source>
        <translation>请核对您的申请信息</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/citizen.py" line="67"/>
        <source>Welcome. Your application will appear here for you to check.</source>
        <translation>欢迎！您的申请信息将显示在这里供您核对。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/citizen.py" line="98"/>
        <source>Send</source>
        <translation>提交</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/citizen.py" line="131"/>
        <source>How satisfied are you with this service ({event})? Keys 1-5: 1 is best.</source>
        <translation>您对本次服务（{event}）满意吗？请按 1-5 键，1 为非常满意。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/citizen.py" line="191"/>
        <source>Sorry, your rating could not be saved.</source>
        <translation>抱歉，您的评价未能保存。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/citizen.py" line="167"/>
        <source>Thank you!</source>
        <translation>谢谢您的评价！</translation>
    </message>
</context>
<context>
    <name>ClerkForm</name>
    <message>
        <location filename="../../counter_app/ui/settings_page.py" line="183"/>
        <source>Add a clerk</source>
        <translation>添加工作人员</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/settings_page.py" line="194"/>
        <source>Clerk</source>
        <translation>窗口人员</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/settings_page.py" line="195"/>
        <source>Supervisor</source>
        <translation>主管</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/settings_page.py" line="196"/>
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/settings_page.py" line="201"/>
        <source>Clerk ID</source>
        <translation>工号</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/settings_page.py" line="202"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/settings_page.py" line="203"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/settings_page.py" line="204"/>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/settings_page.py" line="210"/>
        <source>A&amp;dd clerk</source>
        <translation>添加(&amp;D)</translation>
    </message>
</context>
<context>
    <name>DetailPage</name>
    <message>
        <location filename="../../counter_app/ui/detail.py" line="59"/>
        <source>Application detail</source>
        <translation>申请详情</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/detail.py" line="67"/>
        <source>&amp;Reprint</source>
        <translation>补打回执(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/detail.py" line="70"/>
        <source>&amp;Supplement...</source>
        <translation>补正材料(&amp;S)...</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/detail.py" line="72"/>
        <source>&amp;Void...</source>
        <translation>作废(&amp;V)...</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/detail.py" line="74"/>
        <source>Save as P&amp;DF...</source>
        <translation>另存为 PDF(&amp;D)...</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/detail.py" line="78"/>
        <source>Result &amp;handed over</source>
        <translation>结果已交付(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/detail.py" line="108"/>
        <source>Applicant</source>
        <translation>申请人</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/detail.py" line="109"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/detail.py" line="110"/>
        <source>Due</source>
        <translation>承诺办结日</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/detail.py" line="111"/>
        <source>Timeline</source>
        <translation>办理进程</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/detail.py" line="112"/>
        <source>Materials</source>
        <translation>材料</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/detail.py" line="113"/>
        <source>Still needed</source>
        <translation>仍需提交</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/detail.py" line="114"/>
        <source>(reused)</source>
        <translation>（复用）</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/detail.py" line="158"/>
        <source>platform</source>
        <translation>政务服务平台</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/detail.py" line="158"/>
        <source>this window</source>
        <translation>本窗口</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/detail.py" line="175"/>
        <source>Duplicate prepared (recorded in the audit log).</source>
        <translation>已生成副本（已记入审计日志）。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/detail.py" line="180"/>
        <source>Save the receipt as PDF</source>
        <translation>将回执另存为 PDF</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/detail.py" line="196"/>
        <source>Saved {path}</source>
        <translation>已保存 {path}</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/detail.py" line="226"/>
        <source>Accepted under receipt {no}.</source>
        <translation>已受理，回执编号 {no}。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/detail.py" line="233"/>
        <source>Void application</source>
        <translation>作废申请</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/detail.py" line="234"/>
        <source>Reason for voiding {no}:</source>
        <translation>作废 {no} 的原因：</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/detail.py" line="243"/>
        <source>A reason is needed to void an application.</source>
        <translation>作废申请必须填写原因。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/detail.py" line="253"/>
        <source>Voided.</source>
        <translation>已作废。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/detail.py" line="256"/>
        <source>The operation failed.</source>
        <translation>操作未能完成。</translation>
    </message>
</context>
<context>
    <name>DraftKeeper</name>
    <message>
        <location filename="../../counter_app/ui/intake/autosave.py" line="80"/>
        <source>An application for {item} ({name}) was not finished (saved {at}). Continue it?</source>
        <translation>有一份 {item}（{name}）的申请尚未完成（保存于 {at}）。是否继续办理？</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/autosave.py" line="84"/>
        <source>Unfinished application</source>
        <translation>未完成的申请</translation>
    </message>
</context>
<context>
    <name>GroupEditor</name>
    <message>
        <location filename="../../counter_app/ui/intake/form_view.py" line="114"/>
        <source>&amp;Add entry</source>
        <translation>添加一条(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/form_view.py" line="128"/>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/form_view.py" line="130"/>
        <source>Remove this entry</source>
        <translation>删除这一条</translation>
    </message>
</context>
<context>
    <name>HelpSheet</name>
    <message>
        <location filename="../../counter_app/ui/help_sheet.py" line="32"/>
        <location filename="../../counter_app/ui/help_sheet.py" line="35"/>
        <source>Keys</source>
        <translation>按键一览</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/help_sheet.py" line="36"/>
        <source>Key</source>
        <translation>按键</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/help_sheet.py" line="36"/>
        <source>Where</source>
        <translation>页面</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/help_sheet.py" line="36"/>
        <source>Does</source>
        <translation>作用</translation>
    </message>
</context>
<context>
    <name>HomePage</name>
    <message>
        <location filename="../../counter_app/ui/home.py" line="99"/>
        <source>Receipt number, ID number, name or phone (scanner ready)</source>
        <translation>回执编号、证件号码、姓名或电话（可直接扫码）</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/home.py" line="101"/>
        <location filename="../../counter_app/ui/home.py" line="102"/>
        <source>Search applications</source>
        <translation>查找申请</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/home.py" line="106"/>
        <location filename="../../counter_app/ui/home.py" line="155"/>
        <source>Today at this window</source>
        <translation>本窗口今日受理</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/home.py" line="112"/>
        <source>Receipt no.</source>
        <translation>回执编号</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/home.py" line="113"/>
        <source>Service item</source>
        <translation>服务事项</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/home.py" line="114"/>
        <source>Applicant</source>
        <translation>申请人</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/home.py" line="115"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/home.py" line="116"/>
        <source>Due</source>
        <translation>承诺办结日</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/home.py" line="117"/>
        <source>Sync</source>
        <translation>上传</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/home.py" line="120"/>
        <source>waiting</source>
        <translation>待上传</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/home.py" line="121"/>
        <source>sent</source>
        <translation>已上传</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/home.py" line="122"/>
        <source>refused</source>
        <translation>被拒收</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/home.py" line="123"/>
        <source>conflict</source>
        <translation>冲突</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/home.py" line="128"/>
        <source>Applications</source>
        <translation>申请列表</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/home.py" line="141"/>
        <source>&amp;Find:</source>
        <translation>查找(&amp;F)：</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/home.py" line="169"/>
        <source>Today: {received} received, {accepted} accepted, {notices} notices, {settled} settled, satisfaction {satisfaction}</source>
        <translation>今日：收件 {received} 件，受理 {accepted} 件，一次性告知 {notices} 件，办结 {settled} 件，满意度 {satisfaction}</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/home.py" line="190"/>
        <source>{n} result(s) for &quot;{text}&quot;</source>
        <translation>“{text}”的查找结果：{n} 条</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/home.py" line="229"/>
        <source>The list could not be loaded.</source>
        <translation>列表未能载入。</translation>
    </message>
</context>
<context>
    <name>IntakeFlow</name>
    <message>
        <location filename="../../counter_app/ui/intake/flow.py" line="125"/>
        <source>&amp;Back</source>
        <translation>上一步(&amp;B)</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/flow.py" line="126"/>
        <location filename="../../counter_app/ui/intake/flow.py" line="200"/>
        <source>&amp;Next</source>
        <translation>下一步(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/flow.py" line="154"/>
        <source>Item</source>
        <translation>事项</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/flow.py" line="155"/>
        <source>Applicant</source>
        <translation>申请人</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/flow.py" line="156"/>
        <source>Form</source>
        <translation>表单</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/flow.py" line="157"/>
        <source>Materials</source>
        <translation>材料</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/flow.py" line="158"/>
        <source>Signature</source>
        <translation>签名</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/flow.py" line="159"/>
        <source>Review</source>
        <translation>核对</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/flow.py" line="160"/>
        <source>Receipt</source>
        <translation>回执</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/flow.py" line="201"/>
        <source>Issue &amp;notice</source>
        <translation>出具告知单(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/flow.py" line="201"/>
        <source>&amp;Accept</source>
        <translation>受理(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/flow.py" line="290"/>
        <source>Please correct the marked fields.</source>
        <translation>请更正标出的项目。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/flow.py" line="371"/>
        <source>{n} problem(s) in the form: each is shown at its field.</source>
        <translation>表单中有 {n} 处问题，已在各项下方标出。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/flow.py" line="438"/>
        <source>The application could not be saved.</source>
        <translation>申请未能保存。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/flow.py" line="443"/>
        <source>Something went wrong; nothing was lost.</source>
        <translation>出现问题，但已填写的内容没有丢失。</translation>
    </message>
</context>
<context>
    <name>ItemPicker</name>
    <message>
        <location filename="../../counter_app/ui/intake/picker.py" line="48"/>
        <source>Type a name, code or pinyin initials</source>
        <translation>输入事项名称、编码或拼音首字母</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/picker.py" line="49"/>
        <source>Filter service items</source>
        <translation>筛选服务事项</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/picker.py" line="52"/>
        <source>Service items</source>
        <translation>服务事项列表</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/picker.py" line="53"/>
        <source>No service item matches.</source>
        <translation>没有符合条件的服务事项。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/picker.py" line="55"/>
        <source>&amp;Service item</source>
        <translation>服务事项(&amp;S)</translation>
    </message>
</context>
<context>
    <name>LoginPage</name>
    <message>
        <location filename="../../counter_app/ui/login.py" line="44"/>
        <source>Clerk ID</source>
        <translation>工号</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/login.py" line="48"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/login.py" line="50"/>
        <source>&amp;Log in</source>
        <translation>登录(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/login.py" line="52"/>
        <source>Log in (Enter in the password field, or {key})</source>
        <translation>登录（在密码框中按回车，或按 {key}）</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/login.py" line="57"/>
        <source>&amp;Large text</source>
        <translation>大字模式(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/login.py" line="68"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/login.py" line="83"/>
        <source>Clerk &amp;ID</source>
        <translation>工号(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/login.py" line="84"/>
        <source>&amp;Password</source>
        <translation>密码(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/login.py" line="85"/>
        <source>Lan&amp;guage</source>
        <translation>语言(&amp;G)</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/login.py" line="114"/>
        <source>Demo mode. Sign in as:</source>
        <translation>演示模式，可用以下账号登录：</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/login.py" line="123"/>
        <source>Enter your clerk ID and password.</source>
        <translation>请输入工号和密码。</translation>
    </message>
</context>
<context>
    <name>MaterialsStep</name>
    <message>
        <location filename="../../counter_app/ui/intake/materials.py" line="66"/>
        <source>Materials checklist</source>
        <translation>材料清单</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/materials.py" line="68"/>
        <source>Material</source>
        <translation>材料</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/materials.py" line="68"/>
        <source>Needed</source>
        <translation>是否必需</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/materials.py" line="68"/>
        <source>Given</source>
        <translation>已收</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/materials.py" line="68"/>
        <source>File types</source>
        <translation>文件类型</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/materials.py" line="85"/>
        <source>Enter: attach a file   {reuse}: reuse the copy on file   Space: preview   {remove}: remove   (files can be dropped on a row)</source>
        <translation>回车：上传文件&#x3000;{reuse}：复用留存材料&#x3000;空格：预览&#x3000;{remove}：移除&#x3000;（也可把文件拖到对应行）</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/materials.py" line="93"/>
        <source>&amp;Attach...</source>
        <translation>上传(&amp;A)...</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/materials.py" line="96"/>
        <source>&amp;Reuse copy on file</source>
        <translation>复用留存材料(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/materials.py" line="100"/>
        <source>Pre&amp;view</source>
        <translation>预览(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/materials.py" line="154"/>
        <source>All required materials are here.</source>
        <translation>必需材料已齐全。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/materials.py" line="156"/>
        <source>Missing: {names}. Without them a one-time notice is issued.</source>
        <translation>缺少：{names}。材料不全时将出具一次性告知单。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/materials.py" line="168"/>
        <source>required</source>
        <translation>必需</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/materials.py" line="170"/>
        <source>not needed for these answers</source>
        <translation>本次无需</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/materials.py" line="171"/>
        <source>optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/materials.py" line="178"/>
        <source>reused copy on file</source>
        <translation>复用留存材料</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/materials.py" line="180"/>
        <source>copy on file ({key} to reuse)</source>
        <translation>已有留存（{key} 复用）</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/materials.py" line="241"/>
        <source>Attach a material</source>
        <translation>上传材料</translation>
    </message>
</context>
<context>
    <name>NextHint</name>
    <message>
        <location filename="../../counter_app/ui/intake/next_hint.py" line="35"/>
        <source>What next</source>
        <translation>下一步提示</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/next_hint.py" line="58"/>
        <source>Type the item&apos;s name, code or pinyin initials, then press {enter}.</source>
        <translation>输入事项名称、编码或拼音首字母，按 {enter} 选定。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/next_hint.py" line="61"/>
        <source>Type the ID number first (a known applicant fills in); {next}: the form.</source>
        <translation>先输入证件号码（老申请人自动带出资料）；{next}：进入表单。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/next_hint.py" line="64"/>
        <source>Fill in the fields marked *; Tab moves on; {next}: check and go on.</source>
        <translation>填写带 * 的项目，Tab 到下一项；{next}：检查并继续。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/next_hint.py" line="67"/>
        <source>Pick a row: {enter} or {attach} attaches a scan, {reuse} reuses a copy on file; {next}: go on (a one-time notice will list what is missing).</source>
        <translation>选中一行：{enter} 或 {attach} 上传扫描件，{reuse} 复用留存材料；{next}：继续（缺少的材料将列入一次性告知书）。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/next_hint.py" line="71"/>
        <source>Every required material is here; {next}: on to the signature.</source>
        <translation>必需材料已齐全；{next}：进入签名。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/next_hint.py" line="73"/>
        <source>The applicant signs on the pad ({clear} starts again); {next}: review.</source>
        <translation>请申请人在签名板上签名（{clear} 重签）；{next}：核对。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/next_hint.py" line="75"/>
        <source>Read it through with the applicant; {next} issues the one-time notice.</source>
        <translation>与申请人逐项核对；{next} 出具一次性告知书。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/next_hint.py" line="78"/>
        <source>Read it through with the applicant; {next} accepts and makes the receipt.</source>
        <translation>与申请人逐项核对；{next} 受理并生成回执。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/next_hint.py" line="80"/>
        <source>{print}: print the receipt, {save}: save it as PDF; {new}: next applicant.</source>
        <translation>{print}：打印回执，{save}：另存为 PDF；{new}：下一位申请人。</translation>
    </message>
</context>
<context>
    <name>PreviewDialog</name>
    <message>
        <location filename="../../counter_app/ui/preview.py" line="56"/>
        <source>Preview: {name}</source>
        <translation>预览：{name}</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/preview.py" line="61"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/preview.py" line="84"/>
        <source>This file cannot be previewed.</source>
        <translation>该文件无法预览。</translation>
    </message>
</context>
<context>
    <name>ResultStep</name>
    <message>
        <location filename="../../counter_app/ui/intake/result.py" line="47"/>
        <source>&amp;Print...</source>
        <translation>打印(&amp;P)...</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/result.py" line="50"/>
        <source>&amp;Save as PDF...</source>
        <translation>另存为 PDF(&amp;S)...</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/result.py" line="68"/>
        <source>One-time notice {no} issued. Nothing was accepted yet.</source>
        <translation>已出具一次性告知单 {no}，本次尚未受理。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/result.py" line="70"/>
        <source>Accepted: receipt {no}, promised by {due}.</source>
        <translation>已受理：回执编号 {no}，承诺 {due} 前办结。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/result.py" line="72"/>
        <source>Preparing the receipt...</source>
        <translation>正在生成回执……</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/result.py" line="85"/>
        <source>{print} prints, {save} saves a PDF, {new} starts the next application.</source>
        <translation>{print} 打印，{save} 另存为 PDF，{new} 办理下一件。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/result.py" line="101"/>
        <source>The receipt could not be prepared. The application is saved; print it again from its detail page.</source>
        <translation>回执未能生成。申请已保存，可在申请详情页重新打印。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/result.py" line="111"/>
        <source>Save the receipt as PDF</source>
        <translation>将回执另存为 PDF</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/result.py" line="117"/>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/result.py" line="136"/>
        <source>Saved {path}</source>
        <translation>已保存 {path}</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/result.py" line="140"/>
        <source>Could not save the PDF: {reason}</source>
        <translation>PDF 未能保存：{reason}</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/result.py" line="161"/>
        <source>Printing on {printer}...</source>
        <translation>正在 {printer} 上打印……</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/result.py" line="170"/>
        <source>Printed on {printer}.</source>
        <translation>已在 {printer} 上打印。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/result.py" line="176"/>
        <source>The receipt could not be printed. Try again.</source>
        <translation>回执未能打印，请重试。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/result.py" line="186"/>
        <source>Sent to the printer.</source>
        <translation>已发送到打印机。</translation>
    </message>
</context>
<context>
    <name>ReviewStep</name>
    <message>
        <location filename="../../counter_app/ui/intake/review.py" line="84"/>
        <source>Application summary</source>
        <translation>申请摘要</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/review.py" line="101"/>
        <source>Applicant</source>
        <translation>申请人</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/review.py" line="102"/>
        <source>Materials given</source>
        <translation>已收材料</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/review.py" line="103"/>
        <source>Materials missing</source>
        <translation>缺少材料</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/review.py" line="110"/>
        <source>Materials are missing: {key} issues a one-time notice listing everything still needed.</source>
        <translation>材料不全：按 {key} 出具一次性告知单，列明仍需提交的全部材料。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/review.py" line="116"/>
        <source>{key} accepts the application and prints the receipt.</source>
        <translation>按 {key} 受理申请并打印回执。</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <location filename="../../counter_app/ui/settings_page.py" line="43"/>
        <source>A4</source>
        <translation>A4 纸</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/settings_page.py" line="44"/>
        <source>80 mm roll</source>
        <translation>80 毫米热敏纸</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/settings_page.py" line="50"/>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/settings_page.py" line="56"/>
        <source>Large text</source>
        <translation>大字模式</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/settings_page.py" line="85"/>
        <source>This window</source>
        <translation>本窗口</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/settings_page.py" line="72"/>
        <location filename="../../counter_app/ui/settings_page.py" line="87"/>
        <source>Paper</source>
        <translation>纸张</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/settings_page.py" line="73"/>
        <location filename="../../counter_app/ui/settings_page.py" line="88"/>
        <source>Idle logout after</source>
        <translation>无操作自动退出</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/settings_page.py" line="74"/>
        <location filename="../../counter_app/ui/settings_page.py" line="89"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/settings_page.py" line="92"/>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/settings_page.py" line="94"/>
        <source>Online platform</source>
        <translation>网上政务服务平台</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/settings_page.py" line="75"/>
        <location filename="../../counter_app/ui/settings_page.py" line="96"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/settings_page.py" line="76"/>
        <location filename="../../counter_app/ui/settings_page.py" line="97"/>
        <source>Enrollment code</source>
        <translation>注册码</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/settings_page.py" line="98"/>
        <source>&amp;Enroll</source>
        <translation>注册终端(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/settings_page.py" line="77"/>
        <location filename="../../counter_app/ui/settings_page.py" line="101"/>
        <source>Catalog on this terminal</source>
        <translation>本终端的事项目录</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/settings_page.py" line="78"/>
        <location filename="../../counter_app/ui/settings_page.py" line="102"/>
        <source>Clerks</source>
        <translation>工作人员</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/settings_page.py" line="131"/>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/settings_page.py" line="143"/>
        <source>Enter the platform&apos;s address and the enrollment code.</source>
        <translation>请输入平台地址和注册码。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/settings_page.py" line="152"/>
        <source>Enrolled.</source>
        <translation>终端已注册。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/settings_page.py" line="167"/>
        <source>Clerk {id} added.</source>
        <translation>已添加工作人员 {id}。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/settings_page.py" line="171"/>
        <source>The operation failed.</source>
        <translation>操作未能完成。</translation>
    </message>
</context>
<context>
    <name>Shell</name>
    <message>
        <location filename="../../counter_app/ui/shell.py" line="178"/>
        <source>Backup written: {name}</source>
        <translation>已自动备份：{name}</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/shell.py" line="184"/>
        <source>The automatic backup failed.</source>
        <translation>自动备份失败。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/shell.py" line="214"/>
        <source>The terminal&apos;s data folder could not be opened.</source>
        <translation>终端数据文件夹无法打开。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/shell.py" line="221"/>
        <location filename="../../counter_app/ui/shell.py" line="239"/>
        <location filename="../../counter_app/ui/shell.py" line="347"/>
        <source>One-window counter</source>
        <translation>一窗受理</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/shell.py" line="223"/>
        <source>{title} - {hall}, window {window}</source>
        <translation>{title} - {hall} {window} 号窗口</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/shell.py" line="233"/>
        <source>Clerk</source>
        <translation>窗口人员</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/shell.py" line="234"/>
        <source>Supervisor</source>
        <translation>主管</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/shell.py" line="235"/>
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/shell.py" line="256"/>
        <source>Login failed.</source>
        <translation>登录失败。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/shell.py" line="296"/>
        <source>You were logged out after a period without activity.</source>
        <translation>长时间无操作，已自动退出登录。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/shell.py" line="98"/>
        <source>Working...</source>
        <translation>正在处理……</translation>
    </message>
</context>
<context>
    <name>SignaturePad</name>
    <message>
        <location filename="../../counter_app/ui/intake/signature.py" line="36"/>
        <source>Signature pad</source>
        <translation>签名板</translation>
    </message>
</context>
<context>
    <name>SignatureStep</name>
    <message>
        <location filename="../../counter_app/ui/intake/signature.py" line="157"/>
        <source>The applicant signs in the box below. Without a signature the receipt shows that none was given.</source>
        <translation>请申请人在下方框内签名。未签名时回执上会注明。</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/signature.py" line="164"/>
        <source>C&amp;lear signature</source>
        <translation>清除签名(&amp;L)</translation>
    </message>
</context>
<context>
    <name>StatsPage</name>
    <message>
        <location filename="../../counter_app/ui/stats_page.py" line="56"/>
        <location filename="../../counter_app/ui/stats_page.py" line="74"/>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/stats_page.py" line="56"/>
        <location filename="../../counter_app/ui/stats_page.py" line="76"/>
        <source>To</source>
        <translation>至</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/stats_page.py" line="61"/>
        <source>Export format</source>
        <translation>导出格式</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/stats_page.py" line="79"/>
        <source>&amp;Show</source>
        <translation>查看(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/stats_page.py" line="85"/>
        <source>&amp;Export...</source>
        <translation>导出(&amp;E)...</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/stats_page.py" line="99"/>
        <source>Ratings by window, item and clerk</source>
        <translation>按窗口、事项、受理人的好差评统计</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/stats_page.py" line="102"/>
        <source>By</source>
        <translation>分组</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/stats_page.py" line="103"/>
        <source>Key</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/stats_page.py" line="104"/>
        <source>Ratings</source>
        <translation>评价数</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/stats_page.py" line="105"/>
        <source>Rating rate</source>
        <translation>评价率</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/stats_page.py" line="106"/>
        <source>Satisfied</source>
        <translation>满意率</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/stats_page.py" line="107"/>
        <source>Bad ratings</source>
        <translation>差评</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/stats_page.py" line="115"/>
        <source>Window</source>
        <translation>窗口</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/stats_page.py" line="115"/>
        <source>Item</source>
        <translation>事项</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/stats_page.py" line="115"/>
        <source>Clerk</source>
        <translation>受理人</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/stats_page.py" line="145"/>
        <source>Received {received}, accepted {accepted}, notices {notices}, settled {settled}, overdue {overdue}, settled before the promised date {on_time}, satisfied {satisfaction} of {ratings} ratings, rating rate {rating_rate}, bad ratings {bad}</source>
        <translation>收件 {received}，受理 {accepted}，一次性告知 {notices}，办结 {settled}，超期 {overdue}，承诺期内办结 {on_time}，{ratings} 条评价中满意 {satisfaction}，评价率 {rating_rate}，差评 {bad}</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/stats_page.py" line="155"/>
        <source>Received</source>
        <translation>收件</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/stats_page.py" line="156"/>
        <source>Settled</source>
        <translation>办结</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/stats_page.py" line="165"/>
        <source>Applications per day</source>
        <translation>每日申请量</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/stats_page.py" line="188"/>
        <source>Export statistics</source>
        <translation>导出统计</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/stats_page.py" line="202"/>
        <source>Exported {path}</source>
        <translation>已导出 {path}</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/stats_page.py" line="208"/>
        <source>The statistics could not be computed.</source>
        <translation>统计数据未能计算。</translation>
    </message>
</context>
<context>
    <name>SupplementDialog</name>
    <message>
        <location filename="../../counter_app/ui/intake/materials.py" line="323"/>
        <source>Supplement missing materials</source>
        <translation>补正缺少的材料</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/intake/materials.py" line="328"/>
        <source>&amp;Accept with these</source>
        <translation>补齐并受理(&amp;A)</translation>
    </message>
</context>
<context>
    <name>Workspace</name>
    <message>
        <location filename="../../counter_app/ui/workspace.py" line="68"/>
        <source>&amp;Home</source>
        <translation>首页(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/workspace.py" line="73"/>
        <source>&amp;New application</source>
        <translation>新申请(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/workspace.py" line="78"/>
        <source>S&amp;tatistics</source>
        <translation>统计(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/workspace.py" line="86"/>
        <source>Setti&amp;ngs</source>
        <translation>设置(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/workspace.py" line="95"/>
        <source>Signed in: {clerk}</source>
        <translation>当前登录：{clerk}</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/workspace.py" line="100"/>
        <source>&amp;Log out</source>
        <translation>退出登录(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/workspace.py" line="166"/>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/workspace.py" line="169"/>
        <source>Not enrolled with the platform | waiting: {n}</source>
        <translation>尚未在平台注册 | 待上传：{n}</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/workspace.py" line="176"/>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/workspace.py" line="176"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/workspace.py" line="178"/>
        <source>{state} | waiting: {n} | last sync: {last}</source>
        <translation>{state} | 待上传：{n} | 最近同步：{last}</translation>
    </message>
    <message>
        <location filename="../../counter_app/ui/workspace.py" line="191"/>
        <source>Sync state unknown</source>
        <translation>同步状态未知</translation>
    </message>
</context>
</TS>
