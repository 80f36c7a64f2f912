<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_TW">
<context>
    <name>Attract</name>
    <message>
        <source>24-hour self-service</source>
        <translation>24小時自助服務</translation>
    </message>
    <message>
        <source>Touch to start</source>
        <translation>點擊螢幕開始</translation>
    </message>
</context>
<context>
    <name>Capture</name>
    <message>
        <source>Document %1 of %2</source>
        <translation>第 %1 項材料，共 %2 項</translation>
    </message>
    <message>
        <source>Your ID card was read: no photo of it is needed.</source>
        <translation>已讀取身份證，無需拍攝。</translation>
    </message>
    <message>
        <source>Place the document under the camera, flat and inside the frame</source>
        <translation>請將材料平放在攝像頭下方的框內</translation>
    </message>
    <message>
        <source>Starting the camera…</source>
        <translation>正在啟動鏡頭…</translation>
    </message>
    <message>
        <source>Retaking page %1: place it under the camera again</source>
        <translation>正在重拍第 %1 頁：請將該頁重新放到鏡頭下方</translation>
    </message>
    <message>
        <source>Keep the old page</source>
        <translation>保留原頁</translation>
    </message>
    <message>
        <source>Pages: %1 (at least %2, at most %3)</source>
        <translation>已拍 %1 頁（至少 %2 頁，最多 %3 頁）</translation>
    </message>
    <message>
        <source>Retake</source>
        <translation>重拍</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>刪除</translation>
    </message>
    <message>
        <source>Capture page</source>
        <translation>拍攝一頁</translation>
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
        <translation>選擇辦理事項</translation>
    </message>
    <message>
        <source>Search: name, keyword or pinyin (e.g. gssldj)</source>
        <translation>搜尋：事項名稱、關鍵詞或拼音（如 gssldj）</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>No service matches. Try another word or a category.</source>
        <translation>沒有找到匹配的事項，請換個詞或按分類查找。</translation>
    </message>
</context>
<context>
    <name>ChangePin</name>
    <message>
        <source>Enter the current admin PIN</source>
        <translation>請輸入目前的管理密碼</translation>
    </message>
    <message>
        <source>Enter the new PIN (at least 6 digits, not all the same, not a run)</source>
        <translation>請輸入新密碼（至少 6 位數字，不能全部相同，也不能是連續數字）</translation>
    </message>
    <message>
        <source>Enter the new PIN again</source>
        <translation>請再次輸入新密碼</translation>
    </message>
    <message>
        <source>Change the admin PIN</source>
        <translation>更改管理密碼</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在驗證……</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>確定</translation>
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
        <translation>授權確認</translation>
    </message>
    <message>
        <source>What we collect: your identity document data, the form you filled in and the pages you captured.</source>
        <translation>收集內容：證件資料、填寫的表單及拍攝的材料。</translation>
    </message>
    <message>
        <source>Why: only to handle this application with the competent department.</source>
        <translation>用途：僅用於主管部門辦理本次申請。</translation>
    </message>
    <message>
        <source>How long: stored encrypted on this terminal until the department has received it, then deleted within 30 days.</source>
        <translation>保存期限：在本終端加密保存至部門接收，之後30天內刪除。</translation>
    </message>
    <message>
        <source>I have read this and agree</source>
        <translation>我已閱讀並同意</translation>
    </message>
    <message>
        <source>Submit application</source>
        <translation>提交申請</translation>
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
        <translation>未檢查</translation>
    </message>
    <message>
        <source>ID card reader</source>
        <translation>身份證閱讀器</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>攝影機</translation>
    </message>
    <message>
        <source>Code scanner</source>
        <translation>掃碼器</translation>
    </message>
    <message>
        <source>Receipt printer</source>
        <translation>回條打印機</translation>
    </message>
    <message>
        <source>A4 printer</source>
        <translation>A4打印機</translation>
    </message>
    <message>
        <source>Read a test card</source>
        <translation>讀取測試卡</translation>
    </message>
    <message>
        <source>Scan a test code</source>
        <translation>掃描測試碼</translation>
    </message>
    <message>
        <source>Print a test page</source>
        <translation>列印測試頁</translation>
    </message>
    <message>
        <source>Measure the camera</source>
        <translation>測量攝影機</translation>
    </message>
    <message>
        <source>valid</source>
        <translation>有效</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>已過期</translation>
    </message>
    <message>
        <source>long-term</source>
        <translation>長期</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation>正在測試……</translation>
    </message>
    <message>
        <source>Test failed: %1</source>
        <translation>測試失敗：%1</translation>
    </message>
    <message>
        <source>Card kind: %1, validity: %2</source>
        <translation>證件類型：%1，有效性：%2</translation>
    </message>
    <message>
        <source>Symbology: %1, %2 bytes</source>
        <translation>碼制：%1，%2 位元組</translation>
    </message>
    <message>
        <source>%1 frames per second, focus score %2</source>
        <translation>每秒 %1 幀，清晰度 %2</translation>
    </message>
    <message>
        <source>Test page printed</source>
        <translation>測試頁已列印</translation>
    </message>
    <message>
        <source>Diagnostics</source>
        <translation>終端診斷</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>重新整理</translation>
    </message>
    <message>
        <source>Leave admin mode</source>
        <translation>退出管理模式</translation>
    </message>
    <message>
        <source>Running the checks…</source>
        <translation>正在檢查……</translation>
    </message>
    <message>
        <source>Terminal %1 · checked %2 · app %3 · catalogue %4</source>
        <translation>終端 %1 · 檢查時間 %2 · 軟件 %3 · 事項目錄 %4</translation>
    </message>
    <message>
        <source>All required checks passed</source>
        <translation>全部必需檢查通過</translation>
    </message>
    <message>
        <source>A required check failed: the terminal is out of service</source>
        <translation>有必需檢查未通過：終端暫停服務</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>裝置</translation>
    </message>
    <message>
        <source>Status: %1</source>
        <translation>狀態：%1</translation>
    </message>
    <message>
        <source>Last error: %1 at %2</source>
        <translation>最近故障：%1（%2）</translation>
    </message>
    <message>
        <source>Queue and sync</source>
        <translation>隊列與同步</translation>
    </message>
    <message>
        <source>Unsent: %1 · refused (parked): %2 · oldest unsent: %3</source>
        <translation>未傳送：%1 · 被退回：%2 · 最久未傳送：%3</translation>
    </message>
    <message>
        <source>Actions</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Retry refused submissions</source>
        <translation>重新傳送被退回的申請</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <source>Reload the catalogue</source>
        <translation>重新載入事項目錄</translation>
    </message>
    <message>
        <source>Restart the app</source>
        <translation>重新啟動程式</translation>
    </message>
    <message>
        <source>Sync now is not available: this app runs no sync worker (the sync service does).</source>
        <translation>無法立即同步：本程式不執行同步任務（由同步服務負責）。</translation>
    </message>
    <message>
        <source>Recent log lines (redacted)</source>
        <translation>最近日誌（已去識別化）</translation>
    </message>
    <message>
        <source>Write report</source>
        <translation>寫入診斷報告</translation>
    </message>
    <message>
        <source>Change the admin PIN</source>
        <translation>更改管理密碼</translation>
    </message>
    <message>
        <source>Report file: %1</source>
        <translation>報告檔案：%1</translation>
    </message>
</context>
<context>
    <name>End</name>
    <message>
        <source>Thank you</source>
        <translation>謝謝</translation>
    </message>
    <message>
        <source>Please take your receipt. Your details have been cleared from this screen.</source>
        <translation>請取走回執。您的資料已從本終端螢幕清除。</translation>
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
        <translation>首頁</translation>
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
        <translation>第 %1 頁，共 %2 頁</translation>
    </message>
    <message>
        <source>Identified: %1</source>
        <translation>已核驗身份：%1</translation>
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
        <translation>標準模式</translation>
    </message>
    <message>
        <source>Large text</source>
        <translation>關懷模式</translation>
    </message>
    <message>
        <source>Help</source>
        <translation>求助</translation>
    </message>
    <message>
        <source>A member of staff has been called and will come to help you.</source>
        <translation>已呼叫工作人員，請稍候。</translation>
    </message>
</context>
<context>
    <name>Home</name>
    <message>
        <source>What would you like to do?</source>
        <translation>請選擇您要辦理的業務</translation>
    </message>
    <message>
        <source>Apply for a service</source>
        <translation>事項辦理</translation>
    </message>
    <message>
        <source>Business, social insurance, health, family and more</source>
        <translation>企業、社保、醫療、婚育養老等</translation>
    </message>
    <message>
        <source>Check progress</source>
        <translation>辦件查詢</translation>
    </message>
    <message>
        <source>With the tracking number or the QR code on your receipt</source>
        <translation>憑受理編號或回執二維碼查詢</translation>
    </message>
    <message>
        <source>Collect a result</source>
        <translation>結果領取</translation>
    </message>
    <message>
        <source>Print a licence or certificate that is ready</source>
        <translation>打印已辦結的證照</translation>
    </message>
    <message>
        <source>Business-support policies</source>
        <translation>惠企政策</translation>
    </message>
    <message>
        <source>Find the policies your company qualifies for</source>
        <translation>查找企業可享受的扶持政策</translation>
    </message>
</context>
<context>
    <name>Identify</name>
    <message>
        <source>Identify yourself</source>
        <translation>身份核驗</translation>
    </message>
    <message>
        <source>ID card</source>
        <translation>身份證</translation>
    </message>
    <message>
        <source>Place your ID card on the reader</source>
        <translation>請將身份證放在讀卡區</translation>
    </message>
    <message>
        <source>Or type your document number</source>
        <translation>或輸入證件號碼</translation>
    </message>
    <message>
        <source>Hong Kong identity card</source>
        <translation>香港身份證</translation>
    </message>
    <message>
        <source>Home Return Permit</source>
        <translation>回鄉證</translation>
    </message>
    <message>
        <source>Name as on the document</source>
        <translation>姓名（與證件一致）</translation>
    </message>
    <message>
        <source>Confirm</source>
        <translation>確認</translation>
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
        <translation>我還在</translation>
    </message>
</context>
<context>
    <name>OutOfService</name>
    <message>
        <source>Temporarily out of service</source>
        <translation>暫停服務</translation>
    </message>
</context>
<context>
    <name>PickupResult</name>
    <message>
        <source>Your result is ready</source>
        <translation>辦理結果已可領取</translation>
    </message>
    <message>
        <source>Take the printed document from the printer below.</source>
        <translation>請從下方出紙口取走打印件。</translation>
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
        <translation>技術人員入口</translation>
    </message>
    <message>
        <source>Enter the admin PIN</source>
        <translation>請輸入管理密碼</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在驗證……</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>確定</translation>
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
        <translation>軟件和信息技術服務業</translation>
    </message>
    <message>
        <source>Internet services</source>
        <translation>互聯網和相關服務</translation>
    </message>
    <message>
        <source>Electronics manufacturing</source>
        <translation>計算機、通信和其他電子設備製造業</translation>
    </message>
    <message>
        <source>Catering</source>
        <translation>餐飲業</translation>
    </message>
    <message>
        <source>Retail</source>
        <translation>零售業</translation>
    </message>
    <message>
        <source>Health care</source>
        <translation>衞生</translation>
    </message>
    <message>
        <source>Research and development</source>
        <translation>研究和試驗發展</translation>
    </message>
    <message>
        <source>Technology promotion</source>
        <translation>科技推廣和應用服務業</translation>
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
        <translation>統一社會信用代碼</translation>
    </message>
    <message>
        <source>Industry</source>
        <translation>所屬行業</translation>
    </message>
    <message>
        <source>Company size</source>
        <translation>企業規模</translation>
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
        <translation>貴企業可享受的政策</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>申請</translation>
    </message>
</context>
<context>
    <name>Rating</name>
    <message>
        <source>Very poor</source>
        <translation>非常不滿意</translation>
    </message>
    <message>
        <source>Poor</source>
        <translation>不滿意</translation>
    </message>
    <message>
        <source>Fair</source>
        <translation>基本滿意</translation>
    </message>
    <message>
        <source>Good</source>
        <translation>滿意</translation>
    </message>
    <message>
        <source>Very good</source>
        <translation>非常滿意</translation>
    </message>
    <message>
        <source>How was this service?</source>
        <translation>請對本次服務進行評價</translation>
    </message>
    <message>
        <source>Why? (optional)</source>
        <translation>原因（可選）</translation>
    </message>
    <message>
        <source>Skip</source>
        <translation>跳過</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>提交評價</translation>
    </message>
</context>
<context>
    <name>Receipt</name>
    <message>
        <source>Tracking number</source>
        <translation>受理編號</translation>
    </message>
    <message>
        <source>Finish</source>
        <translation>結束</translation>
    </message>
    <message>
        <source>Rate this service</source>
        <translation>評價本次服務</translation>
    </message>
</context>
<context>
    <name>ResultPickup</name>
    <message>
        <source>Collect a result</source>
        <translation>結果領取</translation>
    </message>
    <message>
        <source>1. Scan or type the tracking number. 2. Place the applicant&apos;s ID card on the reader.</source>
        <translation>1. 掃描或輸入受理編號；2. 將申請人身份證放在讀卡區。</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>繼續</translation>
    </message>
</context>
<context>
    <name>Review</name>
    <message>
        <source>Check your application</source>
        <translation>核對申請資料</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>修改</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>申請材料</translation>
    </message>
    <message>
        <source>read from your ID card</source>
        <translation>已由身份證讀取</translation>
    </message>
    <message>
        <source>%1 page(s)</source>
        <translation>%1 頁</translation>
    </message>
    <message>
        <source>Everything is correct</source>
        <translation>資料無誤</translation>
    </message>
</context>
<context>
    <name>ServiceDetail</name>
    <message>
        <source>Department: %1</source>
        <translation>實施部門：%1</translation>
    </message>
    <message>
        <source>Visits to a window: at most %1</source>
        <translation>到窗口次數：最多 %1 次</translation>
    </message>
    <message>
        <source>Decision within %1 working day(s)</source>
        <translation>承諾辦結時限：%1 個工作日</translation>
    </message>
    <message>
        <source>Free of charge</source>
        <translation>不收費</translation>
    </message>
    <message>
        <source>Fee: CNY %1</source>
        <translation>收費：%1 元</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>申請材料</translation>
    </message>
    <message>
        <source>scanned here</source>
        <translation>本機拍攝</translation>
    </message>
    <message>
        <source>original checked at a window</source>
        <translation>窗口核驗原件</translation>
    </message>
    <message>
        <source>Apply now</source>
        <translation>立即申請</translation>
    </message>
</context>
<context>
    <name>StatusCheck</name>
    <message>
        <source>Check progress</source>
        <translation>辦件查詢</translation>
    </message>
    <message>
        <source>Scan the QR code on your receipt, or type the tracking number.</source>
        <translation>請掃描回執上的二維碼，或輸入受理編號。</translation>
    </message>
    <message>
        <source>Look up</source>
        <translation>查詢</translation>
    </message>
</context>
<context>
    <name>StatusResult</name>
    <message>
        <source>Progress</source>
        <translation>辦理進度</translation>
    </message>
    <message>
        <source>Tracking number</source>
        <translation>受理編號</translation>
    </message>
    <message>
        <source>Last known status on this terminal, updated %1</source>
        <translation>本終端最近記錄的狀態，更新於 %1</translation>
    </message>
</context>
<context>
    <name>StepIndicator</name>
    <message>
        <source>Choose</source>
        <translation>選事項</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>須知</translation>
    </message>
    <message>
        <source>Identify</source>
        <translation>核驗</translation>
    </message>
    <message>
        <source>Form</source>
        <translation>填表</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>申請材料</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>核對</translation>
    </message>
    <message>
        <source>Consent</source>
        <translation>授權</translation>
    </message>
    <message>
        <source>Receipt</source>
        <translation>回執</translation>
    </message>
</context>
<context>
    <name>Submitting</name>
    <message>
        <source>Saving your application securely…</source>
        <translation>正在安全保存您的申請……</translation>
    </message>
    <message>
        <source>Please wait, do not leave yet.</source>
        <translation>請稍候，暫勿離開。</translation>
    </message>
</context>
</TS>
