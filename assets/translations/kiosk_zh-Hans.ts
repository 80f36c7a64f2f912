<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Attract</name>
    <message>
        <source>24-hour self-service</source>
        <translation>24小时自助服务</translation>
    </message>
    <message>
        <source>Touch to start</source>
        <translation>点击屏幕开始</translation>
    </message>
</context>
<context>
    <name>Capture</name>
    <message>
        <source>Document %1 of %2</source>
        <translation>第 %1 项材料，共 %2 项</translation>
    </message>
    <message>
        <source>Your ID card was read: no photo of it is needed.</source>
        <translation>已读取身份证，无需拍摄。</translation>
    </message>
    <message>
        <source>Place the document under the camera, flat and inside the frame</source>
        <translation>请将材料平放在摄像头下方的框内</translation>
    </message>
    <message>
        <source>Starting the camera…</source>
        <translation>正在启动摄像头…</translation>
    </message>
    <message>
        <source>Retaking page %1: place it under the camera again</source>
        <translation>正在重拍第 %1 页：请将该页重新放到摄像头下方</translation>
    </message>
    <message>
        <source>Keep the old page</source>
        <translation>保留原页</translation>
    </message>
    <message>
        <source>Pages: %1 (at least %2, at most %3)</source>
        <translation>已拍 %1 页（至少 %2 页，最多 %3 页）</translation>
    </message>
    <message>
        <source>Retake</source>
        <translation>重拍</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Capture page</source>
        <translation>拍摄一页</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
</context>
<context>
    <name>Catalog</name>
    <message>
        <source>Choose a service</source>
        <translation>选择办理事项</translation>
    </message>
    <message>
        <source>Search: name, keyword or pinyin (e.g. gssldj)</source>
        <translation>搜索：事项名称、关键词或拼音（如 gssldj）</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>No service matches. Try another word or a category.</source>
        <translation>没有找到匹配的事项，请换个词或按分类查找。</translation>
    </message>
</context>
<context>
    <name>ChangePin</name>
    <message>
        <source>Enter the current admin PIN</source>
        <translation>请输入当前管理密码</translation>
    </message>
    <message>
        <source>Enter the new PIN (at least 6 digits, not all the same, not a run)</source>
        <translation>请输入新密码（至少 6 位数字，不能全部相同，也不能是连续数字）</translation>
    </message>
    <message>
        <source>Enter the new PIN again</source>
        <translation>请再次输入新密码</translation>
    </message>
    <message>
        <source>Change the admin PIN</source>
        <translation>更改管理密码</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在验证……</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>Consent</name>
    <message>
        <source>Your consent</source>
        <translation>授权确认</translation>
    </message>
    <message>
        <source>What we collect: your identity document data, the form you filled in and the pages you captured.</source>
        <translation>收集内容：证件信息、填写的表单及拍摄的材料。</translation>
    </message>
    <message>
        <source>Why: only to handle this application with the competent department.</source>
        <translation>用途：仅用于主管部门办理本次申请。</translation>
    </message>
    <message>
        <source>How long: stored encrypted on this terminal until the department has received it, then deleted within 30 days.</source>
        <translation>保存期限：在本终端加密保存至部门接收，之后30天内删除。</translation>
    </message>
    <message>
        <source>I have read this and agree</source>
        <translation>我已阅读并同意</translation>
    </message>
    <message>
        <source>Submit application</source>
        <translation>提交申请</translation>
    </message>
</context>
<context>
    <name>Diagnostics</name>
    <message>
        <source>OK</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>注意</translation>
    </message>
    <message>
        <source>Fault</source>
        <translation>故障</translation>
    </message>
    <message>
        <source>Not checked</source>
        <translation>未检查</translation>
    </message>
    <message>
        <source>ID card reader</source>
        <translation>身份证阅读器</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <source>Code scanner</source>
        <translation>扫码器</translation>
    </message>
    <message>
        <source>Receipt printer</source>
        <translation>回执打印机</translation>
    </message>
    <message>
        <source>A4 printer</source>
        <translation>A4打印机</translation>
    </message>
    <message>
        <source>Read a test card</source>
        <translation>读取测试卡</translation>
    </message>
    <message>
        <source>Scan a test code</source>
        <translation>扫描测试码</translation>
    </message>
    <message>
        <source>Print a test page</source>
        <translation>打印测试页</translation>
    </message>
    <message>
        <source>Measure the camera</source>
        <translation>测量摄像头</translation>
    </message>
    <message>
        <source>valid</source>
        <translation>有效</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>已过期</translation>
    </message>
    <message>
        <source>long-term</source>
        <translation>长期</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation>正在测试……</translation>
    </message>
    <message>
        <source>Test failed: %1</source>
        <translation>测试失败：%1</translation>
    </message>
    <message>
        <source>Card kind: %1, validity: %2</source>
        <translation>证件类型：%1，有效性：%2</translation>
    </message>
    <message>
        <source>Symbology: %1, %2 bytes</source>
        <translation>码制：%1，%2 字节</translation>
    </message>
    <message>
        <source>%1 frames per second, focus score %2</source>
        <translation>每秒 %1 帧，清晰度 %2</translation>
    </message>
    <message>
        <source>Test page printed</source>
        <translation>测试页已打印</translation>
    </message>
    <message>
        <source>Diagnostics</source>
        <translation>终端诊断</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Leave admin mode</source>
        <translation>退出管理模式</translation>
    </message>
    <message>
        <source>Running the checks…</source>
        <translation>正在检查……</translation>
    </message>
    <message>
        <source>Terminal %1 · checked %2 · app %3 · catalogue %4</source>
        <translation>终端 %1 · 检查时间 %2 · 软件 %3 · 事项目录 %4</translation>
    </message>
    <message>
        <source>All required checks passed</source>
        <translation>全部必需检查通过</translation>
    </message>
    <message>
        <source>A required check failed: the terminal is out of service</source>
        <translation>有必需检查未通过：终端暂停服务</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Status: %1</source>
        <translation>状态：%1</translation>
    </message>
    <message>
        <source>Last error: %1 at %2</source>
        <translation>最近故障：%1（%2）</translation>
    </message>
    <message>
        <source>Queue and sync</source>
        <translation>队列与同步</translation>
    </message>
    <message>
        <source>Unsent: %1 · refused (parked): %2 · oldest unsent: %3</source>
        <translation>未发送：%1 · 被退回：%2 · 最久未发送：%3</translation>
    </message>
    <message>
        <source>Actions</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Retry refused submissions</source>
        <translation>重新发送被退回的申请</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <source>Reload the catalogue</source>
        <translation>重新加载事项目录</translation>
    </message>
    <message>
        <source>Restart the app</source>
        <translation>重启程序</translation>
    </message>
    <message>
        <source>Sync now is not available: this app runs no sync worker (the sync service does).</source>
        <translation>无法立即同步：本程序不运行同步任务（由同步服务负责）。</translation>
    </message>
    <message>
        <source>Recent log lines (redacted)</source>
        <translation>最近日志（已脱敏）</translation>
    </message>
    <message>
        <source>Write report</source>
        <translation>写入诊断报告</translation>
    </message>
    <message>
        <source>Change the admin PIN</source>
        <translation>更改管理密码</translation>
    </message>
    <message>
        <source>Report file: %1</source>
        <translation>报告文件：%1</translation>
    </message>
</context>
<context>
    <name>End</name>
    <message>
        <source>Thank you</source>
        <translation>谢谢</translation>
    </message>
    <message>
        <source>Please take your receipt. Your details have been cleared from this screen.</source>
        <translation>请取走回执。您的信息已从本终端屏幕清除。</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
</context>
<context>
    <name>Footer</name>
    <message>
        <source>Home</source>
        <translation>首页</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>返回</translation>
    </message>
</context>
<context>
    <name>Form</name>
    <message>
        <source>Page %1 of %2</source>
        <translation>第 %1 页，共 %2 页</translation>
    </message>
    <message>
        <source>Identified: %1</source>
        <translation>已核验身份：%1</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
</context>
<context>
    <name>Header</name>
    <message>
        <source>Standard view</source>
        <translation>标准模式</translation>
    </message>
    <message>
        <source>Large text</source>
        <translation>关怀模式</translation>
    </message>
    <message>
        <source>Help</source>
        <translation>求助</translation>
    </message>
    <message>
        <source>A member of staff has been called and will come to help you.</source>
        <translation>已呼叫工作人员，请稍候。</translation>
    </message>
</context>
<context>
    <name>Home</name>
    <message>
        <source>What would you like to do?</source>
        <translation>请选择您要办理的业务</translation>
    </message>
    <message>
        <source>Apply for a service</source>
        <translation>事项办理</translation>
    </message>
    <message>
        <source>Business, social insurance, health, family and more</source>
        <translation>企业、社保、医疗、婚育养老等</translation>
    </message>
    <message>
        <source>Check progress</source>
        <translation>办件查询</translation>
    </message>
    <message>
        <source>With the tracking number or the QR code on your receipt</source>
        <translation>凭受理编号或回执二维码查询</translation>
    </message>
    <message>
        <source>Collect a result</source>
        <translation>结果领取</translation>
    </message>
    <message>
        <source>Print a licence or certificate that is ready</source>
        <translation>打印已办结的证照</translation>
    </message>
    <message>
        <source>Business-support policies</source>
        <translation>惠企政策</translation>
    </message>
    <message>
        <source>Find the policies your company qualifies for</source>
        <translation>查找企业可享受的扶持政策</translation>
    </message>
</context>
<context>
    <name>Identify</name>
    <message>
        <source>Identify yourself</source>
        <translation>身份核验</translation>
    </message>
    <message>
        <source>ID card</source>
        <translation>身份证</translation>
    </message>
    <message>
        <source>Place your ID card on the reader</source>
        <translation>请将身份证放在读卡区</translation>
    </message>
    <message>
        <source>Or type your document number</source>
        <translation>或输入证件号码</translation>
    </message>
    <message>
        <source>Hong Kong identity card</source>
        <translation>香港身份证</translation>
    </message>
    <message>
        <source>Home Return Permit</source>
        <translation>回乡证</translation>
    </message>
    <message>
        <source>Name as on the document</source>
        <translation>姓名（与证件一致）</translation>
    </message>
    <message>
        <source>Confirm</source>
        <translation>确认</translation>
    </message>
</context>
<context>
    <name>IdleOverlay</name>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>I am still here</source>
        <translation>我还在</translation>
    </message>
</context>
<context>
    <name>OutOfService</name>
    <message>
        <source>Temporarily out of service</source>
        <translation>暂停服务</translation>
    </message>
</context>
<context>
    <name>PickupResult</name>
    <message>
        <source>Your result is ready</source>
        <translation>办理结果已可领取</translation>
    </message>
    <message>
        <source>Take the printed document from the printer below.</source>
        <translation>请从下方出纸口取走打印件。</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
</context>
<context>
    <name>PinPad</name>
    <message>
        <source>Technician access</source>
        <translation>技术人员入口</translation>
    </message>
    <message>
        <source>Enter the admin PIN</source>
        <translation>请输入管理密码</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在验证……</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>PolicyLookup</name>
    <message>
        <source>Software and IT services</source>
        <translation>软件和信息技术服务业</translation>
    </message>
    <message>
        <source>Internet services</source>
        <translation>互联网和相关服务</translation>
    </message>
    <message>
        <source>Electronics manufacturing</source>
        <translation>计算机、通信和其他电子设备制造业</translation>
    </message>
    <message>
        <source>Catering</source>
        <translation>餐饮业</translation>
    </message>
    <message>
        <source>Retail</source>
        <translation>零售业</translation>
    </message>
    <message>
        <source>Health care</source>
        <translation>卫生</translation>
    </message>
    <message>
        <source>Research and development</source>
        <translation>研究和试验发展</translation>
    </message>
    <message>
        <source>Technology promotion</source>
        <translation>科技推广和应用服务业</translation>
    </message>
    <message>
        <source>Micro</source>
        <translation>微型</translation>
    </message>
    <message>
        <source>Small</source>
        <translation>小型</translation>
    </message>
    <message>
        <source>Medium</source>
        <translation>中型</translation>
    </message>
    <message>
        <source>Large</source>
        <translation>大型</translation>
    </message>
    <message>
        <source>Business-support policies</source>
        <translation>惠企政策</translation>
    </message>
    <message>
        <source>Unified social credit code</source>
        <translation>统一社会信用代码</translation>
    </message>
    <message>
        <source>Industry</source>
        <translation>所属行业</translation>
    </message>
    <message>
        <source>Company size</source>
        <translation>企业规模</translation>
    </message>
    <message>
        <source>Year established</source>
        <translation>成立年份</translation>
    </message>
    <message>
        <source>Find policies</source>
        <translation>查找政策</translation>
    </message>
</context>
<context>
    <name>PolicyResults</name>
    <message>
        <source>Policies for your company</source>
        <translation>贵企业可享受的政策</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>申请</translation>
    </message>
</context>
<context>
    <name>Rating</name>
    <message>
        <source>Very poor</source>
        <translation>非常不满意</translation>
    </message>
    <message>
        <source>Poor</source>
        <translation>不满意</translation>
    </message>
    <message>
        <source>Fair</source>
        <translation>基本满意</translation>
    </message>
    <message>
        <source>Good</source>
        <translation>满意</translation>
    </message>
    <message>
        <source>Very good</source>
        <translation>非常满意</translation>
    </message>
    <message>
        <source>How was this service?</source>
        <translation>请对本次服务进行评价</translation>
    </message>
    <message>
        <source>Why? (optional)</source>
        <translation>原因（可选）</translation>
    </message>
    <message>
        <source>Skip</source>
        <translation>跳过</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>提交评价</translation>
    </message>
</context>
<context>
    <name>Receipt</name>
    <message>
        <source>Tracking number</source>
        <translation>受理编号</translation>
    </message>
    <message>
        <source>Finish</source>
        <translation>结束</translation>
    </message>
    <message>
        <source>Rate this service</source>
        <translation>评价本次服务</translation>
    </message>
</context>
<context>
    <name>ResultPickup</name>
    <message>
        <source>Collect a result</source>
        <translation>结果领取</translation>
    </message>
    <message>
        <source>1. Scan or type the tracking number. 2. Place the applicant&apos;s ID card on the reader.</source>
        <translation>1. 扫描或输入受理编号；2. 将申请人身份证放在读卡区。</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
</context>
<context>
    <name>Review</name>
    <message>
        <source>Check your application</source>
        <translation>核对申请信息</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>修改</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>申请材料</translation>
    </message>
    <message>
        <source>read from your ID card</source>
        <translation>已由身份证读取</translation>
    </message>
    <message>
        <source>%1 page(s)</source>
        <translation>%1 页</translation>
    </message>
    <message>
        <source>Everything is correct</source>
        <translation>信息无误</translation>
    </message>
</context>
<context>
    <name>ServiceDetail</name>
    <message>
        <source>Department: %1</source>
        <translation>实施部门：%1</translation>
    </message>
    <message>
        <source>Visits to a window: at most %1</source>
        <translation>到窗口次数：最多 %1 次</translation>
    </message>
    <message>
        <source>Decision within %1 working day(s)</source>
        <translation>承诺办结时限：%1 个工作日</translation>
    </message>
    <message>
        <source>Free of charge</source>
        <translation>不收费</translation>
    </message>
    <message>
        <source>Fee: CNY %1</source>
        <translation>收费：%1 元</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>申请材料</translation>
    </message>
    <message>
        <source>scanned here</source>
        <translation>本机拍摄</translation>
    </message>
    <message>
        <source>original checked at a window</source>
        <translation>窗口核验原件</translation>
    </message>
    <message>
        <source>Apply now</source>
        <translation>立即申请</translation>
    </message>
</context>
<context>
    <name>StatusCheck</name>
    <message>
        <source>Check progress</source>
        <translation>办件查询</translation>
    </message>
    <message>
        <source>Scan the QR code on your receipt, or type the tracking number.</source>
        <translation>请扫描回执上的二维码，或输入受理编号。</translation>
    </message>
    <message>
        <source>Look up</source>
        <translation>查询</translation>
    </message>
</context>
<context>
    <name>StatusResult</name>
    <message>
        <source>Progress</source>
        <translation>办理进度</translation>
    </message>
    <message>
        <source>Tracking number</source>
        <translation>受理编号</translation>
    </message>
    <message>
        <source>Last known status on this terminal, updated %1</source>
        <translation>本终端最近记录的状态，更新于 %1</translation>
    </message>
</context>
<context>
    <name>StepIndicator</name>
    <message>
        <source>Choose</source>
        <translation>选事项</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>须知</translation>
    </message>
    <message>
        <source>Identify</source>
        <translation>核验</translation>
    </message>
    <message>
        <source>Form</source>
        <translation>填表</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>申请材料</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>核对</translation>
    </message>
    <message>
        <source>Consent</source>
        <translation>授权</translation>
    </message>
    <message>
        <source>Receipt</source>
        <translation>回执</translation>
    </message>
</context>
<context>
    <name>Submitting</name>
    <message>
        <source>Saving your application securely…</source>
        <translation>正在安全保存您的申请……</translation>
    </message>
    <message>
        <source>Please wait, do not leave yet.</source>
        <translation>请稍候，暂勿离开。</translation>
    </message>
</context>
</TS>
